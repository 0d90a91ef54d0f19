"""Terraform references across files and local modules, for the serving collector.

Each folder of ``.tf`` files is one module. A value such as ``var.lambda_function_arn`` is
followed to where it is really written: the input of a local ``module`` call that sets it
(``source = "./modules/x"``), else the variable's default; ``module.m.out`` is followed
into the called module's ``output``; ``local.x`` into ``locals``; ``TYPE.NAME.attr`` names a
resource of the same module. Each resolved value keeps the file and line where it was
written (the caller's attribute for a module input), so a finding points where the user
acts. Values are read from ``ctx.parsed.hcl`` (python-hcl2), never evaluated: an expression
mlscan does not follow stays unresolved.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.mlflow.deploy_iac import attr, blocks

_WHOLE_REF = re.compile(r"^\$\{\s*([A-Za-z_][\w.\-]*(?:\[[^\]]*\])?[\w.\-]*)\s*\}$")
_RES_REF = re.compile(r"(?<![\w.])((?:data\.)?[a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)")
_MAX_DEPTH = 8


@dataclass(frozen=True, kw_only=True)
class Resolved:
    """A value where it was written: a literal, or a resource of some module."""

    value: Any
    path: str
    line: int | None
    resource: tuple[str, str, str] | None = None  # (folder, type, name)
    calls: tuple[str, ...] = ()  # module calls traversed, as "module.<name>" addresses


@dataclass(kw_only=True)
class Folder:
    resources: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    modules: dict[str, tuple[str, dict[str, Any], str | None]] = field(default_factory=dict)
    outputs: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    variables: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    locals: dict[str, tuple[str, Any, int | None]] = field(default_factory=dict)


def folder_of(path: str) -> str:
    return posixpath.dirname(path) or "."


def _source_folder(folder: str, source: Any) -> str | None:
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    return posixpath.normpath(posixpath.join(folder, source))


def line_of(body: dict[str, Any]) -> int | None:
    line = body.get("__start_line__")
    return int(line) if isinstance(line, int) else None


class TfGraph:
    """Every ``.tf`` file of the scan, grouped by folder."""

    def __init__(self, docs: dict[str, dict[str, Any]], texts: dict[str, str]) -> None:
        self.folders: dict[str, Folder] = {}
        self._lines = {p: t.splitlines() for p, t in texts.items()}
        for path, doc in sorted(docs.items()):
            folder = self.folders.setdefault(folder_of(path), Folder())
            for rblock in blocks(doc.get("resource")):
                for rtype, named in rblock.items():
                    for nblock in blocks(named):
                        for name, body in nblock.items():
                            if isinstance(body, dict):
                                folder.resources[(rtype, name)] = (path, body)
            for kind in ("module", "output", "variable"):
                for block in blocks(doc.get(kind)):
                    for name, body in block.items():
                        if not isinstance(body, dict):
                            continue
                        if kind == "module":
                            src = _source_folder(folder_of(path), attr(body, "source"))
                            folder.modules[name] = (path, body, src)
                        elif kind == "output":
                            folder.outputs[name] = (path, body)
                        else:
                            folder.variables[name] = (path, body)
            for block in blocks(doc.get("locals")):
                for name, value in block.items():
                    if not name.startswith("__"):
                        line = self._find_line(path, None, name)
                        folder.locals[name] = (path, _one(value), line)
        # callers: called folder -> [(caller folder, call path, call body)]
        self.callers: dict[str, list[tuple[str, str, dict[str, Any], str]]] = {}
        for fname, folder in sorted(self.folders.items()):
            for name, (path, body, src) in sorted(folder.modules.items()):
                if src is not None:
                    site = f"{fname}:module.{name}"
                    self.callers.setdefault(src, []).append((fname, path, body, site))

    # -- positions ---------------------------------------------------------------------
    def _find_line(self, path: str, body: dict[str, Any] | None, key: str) -> int | None:
        lines = self._lines.get(path, [])
        start = (line_of(body) or 1) if body is not None else 1
        end = body.get("__end_line__") if body is not None else None
        stop = end if isinstance(end, int) else len(lines)
        pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for n in range(start - 1, min(stop, len(lines))):
            if pattern.match(lines[n]):
                return n + 1
        return None

    def attr_line(self, path: str, body: dict[str, Any], key: str) -> int | None:
        """The line where ``key = ...`` is written inside ``body`` (a resource or call)."""
        return self._find_line(path, body, key)

    # -- resources ---------------------------------------------------------------------
    def resources(self, *rtypes: str) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
        """(folder, type, name, path, body) of every resource of the given types."""
        for fname, folder in sorted(self.folders.items()):
            for (rtype, name), (path, body) in sorted(folder.resources.items()):
                if rtype in rtypes:
                    yield fname, rtype, name, path, body

    def resource(self, ref: tuple[str, str, str]) -> tuple[str, dict[str, Any]] | None:
        folder = self.folders.get(ref[0])
        return folder.resources.get((ref[1], ref[2])) if folder else None

    # -- values ------------------------------------------------------------------------
    def value(
        self, folder: str, path: str, body: dict[str, Any], key: str, via: str | None = None
    ) -> list[Resolved]:
        """Every place the attribute ``key`` of ``body`` may come from (through the module
        call ``via`` only, when given)."""
        if key not in body:
            return []
        line = self.attr_line(path, body, key)
        return self.resolve(folder, attr(body, key), path, line, via=via)

    def resolve(
        self,
        folder: str,
        value: Any,
        path: str,
        line: int | None,
        depth: int = 0,
        via: str | None = None,
    ) -> list[Resolved]:
        """``via`` (a ``module.<name>`` call of this folder's callers) keeps one instance."""
        value = _one(value)
        here = Resolved(value=value, path=path, line=line)
        if depth > _MAX_DEPTH or not isinstance(value, str):
            return [here]
        m = _WHOLE_REF.match(value)
        if m is None:
            refs = self.resource_refs(folder, value)
            return [Resolved(value=value, path=path, line=line, resource=r) for r in refs] or [here]
        parts = m.group(1).split(".")
        mod = self.folders.get(folder)
        if mod is None:
            return [here]
        if parts[0] == "var" and len(parts) >= 2:
            name = parts[1]
            out: list[Resolved] = []
            for caller, cpath, cbody, site in self.callers.get(folder, []):
                if name in cbody and via in (None, site):
                    out += [
                        _via(r, site)
                        for r in self.resolve(
                            caller, attr(cbody, name), cpath,
                            self.attr_line(cpath, cbody, name), depth + 1,
                        )
                    ]  # fmt: skip
            if out:
                return out
            var = mod.variables.get(name)
            if var is not None and "default" in var[1]:
                vpath, vbody = var
                return [Resolved(value=attr(vbody, "default"), path=vpath,
                                 line=self.attr_line(vpath, vbody, "default"))]  # fmt: skip
            return [Resolved(value=None, path=path, line=line)]
        if parts[0] == "local" and len(parts) >= 2 and parts[1] in mod.locals:
            lpath, lvalue, lline = mod.locals[parts[1]]
            return self.resolve(folder, lvalue, lpath, lline, depth + 1)
        if parts[0] == "module" and len(parts) >= 3 and parts[1] in mod.modules:
            _cpath, _cbody, src = mod.modules[parts[1]]
            called = self.folders.get(src) if src else None
            if called is not None and parts[2] in called.outputs:
                opath, obody = called.outputs[parts[2]]
                site = f"{folder}:module.{parts[1]}"
                return [
                    _via(r, site)
                    for r in self.resolve(
                        src or ".", attr(obody, "value"), opath,
                        self.attr_line(opath, obody, "value"), depth + 1, site,
                    )
                ]  # fmt: skip
            return [here]
        refs = self.resource_refs(folder, value)
        return [Resolved(value=value, path=path, line=line, resource=r) for r in refs] or [here]

    def resource_refs(self, folder: str, text: str) -> list[tuple[str, str, str]]:
        """Resources of ``folder`` named in an expression (``aws_x.y.arn``)."""
        mod = self.folders.get(folder)
        if mod is None:
            return []
        out: list[tuple[str, str, str]] = []
        for m in _RES_REF.finditer(text):
            if (m.group(1), m.group(2)) in mod.resources:
                ref = (folder, m.group(1), m.group(2))
                if ref not in out:
                    out.append(ref)
        return out

    def targets(self, folder: str, path: str, body: dict[str, Any], key: str) -> set[Any]:
        """The resources an attribute points to, across modules."""
        return {r.resource for r in self.value(folder, path, body, key) if r.resource}

    def via_for(self, folder: str, calls: tuple[str, ...]) -> str | None:
        """The module call among ``calls`` that instantiates ``folder`` (the last one), so
        the resource reached through it is read with that caller's inputs."""
        sites = {c[3] for c in self.callers.get(folder, [])}
        return next((c for c in reversed(calls) if c in sites), None)

    def input_values(
        self, folder: str, body: dict[str, Any], via: str | None = None
    ) -> list[Resolved]:
        """Values of every ``var.x`` a resource body uses, as its module's callers set them
        (only the caller ``via`` when given)."""
        names = sorted(set(re.findall(r"(?<![\w.])var\.([A-Za-z_][\w-]*)", repr(body))))
        out: list[Resolved] = []
        for name in names:
            out += self.resolve(folder, "${var." + name + "}", "", None, via=via)
        return out


def _via(r: Resolved, site: str) -> Resolved:
    return Resolved(value=r.value, path=r.path, line=r.line, resource=r.resource,
                    calls=(site, *r.calls))  # fmt: skip


def _one(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value
