"""Hand-written request checks: a handler, or the function it hands the request to, that
rejects a request of the wrong shape (``if not isinstance(data, dict) or "question" not in
data: raise ValueError(...)``). That is input validation, as much as a pydantic schema.

A check is an ``if`` whose test uses ``isinstance`` or a key-membership test
(``"key" in x`` / ``"key" not in x``) and whose body raises, returns or aborts. The
functions followed are the handler's direct callees defined in the same module or imported
by name from a project module (resolved against the folders above the handler's module).
An emptiness test alone (``if not data``) is not a check.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

Parse = Callable[[str], ast.Module | None]
_FuncDef = ast.FunctionDef | ast.AsyncFunctionDef


def _is_check_test(test: ast.expr) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
            node.func.id == "isinstance"
        ):
            return True
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
        ):
            return True
    return False


def _rejects(body: list[ast.stmt]) -> bool:
    for stmt in body:
        if isinstance(stmt, ast.Raise | ast.Return):
            return True
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            name = stmt.value.func
            if isinstance(name, ast.Name) and name.id == "abort":
                return True
    return False


def check_line(fn: _FuncDef) -> int | None:
    """The line of the first rejecting shape check in ``fn``, or None."""
    for node in ast.walk(fn):
        if isinstance(node, ast.If) and _is_check_test(node.test) and _rejects(node.body):
            return node.lineno
    return None


def _imported_defs(rel: str, tree: ast.Module, files: frozenset[str], parse: Parse
                   ) -> dict[str, tuple[str, _FuncDef]]:
    """Functions imported by name from project modules: local name -> (path, def)."""
    folder = PurePosixPath(rel).parent
    out: dict[str, tuple[str, _FuncDef]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        suffix = node.module.replace(".", "/") + ".py"
        bases = [folder] if node.level else [folder, *folder.parents]
        if node.level:
            for _ in range(node.level - 1):
                bases = [bases[0].parent]
        target = next(
            (p for b in bases if (p := suffix if str(b) == "." else f"{b}/{suffix}") in files),
            None,
        )
        if target is None:
            continue
        other = parse(target)
        if other is None:
            continue
        defs = {n.name: n for n in other.body if isinstance(n, _FuncDef)}
        for alias in node.names:
            if alias.name in defs:
                out[alias.asname or alias.name] = (target, defs[alias.name])
    return out


def manual_checks(
    rel: str, tree: ast.Module, fn: _FuncDef, files: frozenset[str], parse: Parse
) -> list[dict[str, Any]]:
    """``{kind: "manual-check", name, line, path}`` for the handler's own shape checks and
    those of the functions it calls."""
    line = check_line(fn)
    if line is not None:
        return [{"kind": "manual-check", "name": fn.name, "line": line, "path": rel}]
    local = {n.name: (rel, n) for n in tree.body if isinstance(n, _FuncDef)}
    callees = {
        c.func.id for c in ast.walk(fn) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
    }
    if not callees:
        return []
    known = {**_imported_defs(rel, tree, files, parse), **local}
    for name in sorted(callees):
        if name == fn.name or name not in known:
            continue
        path, callee = known[name]
        line = check_line(callee)
        if line is not None:
            return [{"kind": "manual-check", "name": name, "line": line, "path": path}]
    return []
