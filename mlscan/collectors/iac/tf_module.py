"""Terraform modules as one unit, on top of checkov's rendered definitions.

checkov renders each module (every ``.tf`` file of a folder) as Terraform would: variable
defaults, ``terraform.tfvars`` / ``*.auto.tfvars`` (read by mlscan's parse cache and handed
to checkov), ``locals`` and references between resources, and leaves what it cannot
resolve as the expression text (``var.key_arn``). It records where each rendered value
came from (its breadcrumbs). This module adds what mlscan needs on top:

* ``group_modules``: the files of each folder, in order;
* local module calls (``source = "./..."``): the caller's rendered inputs replace
  ``var.<input>`` in the called module (checkov does not connect local modules when it is
  given a list of files), with the call recorded as the value's origin;
* three-valued values: ``Value.state`` is ``known`` or ``unknown``; a value is unknown when
  it still holds an unresolved reference or expression, or when it was computed from a
  variable that has no default, a ``null`` default and no tfvars value (checkov evaluates
  ``var.x == null ? ... : ...`` as if the variable were set);
* the ``backend "s3"`` / ``"gcs"`` blocks (the state bucket is never an ML store).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.iac.tf_inputs import evaluate

_UNRESOLVED = re.compile(r"(?:^|[^\w.])(?:var|local|module|data|each|count)\.[A-Za-z_]|\$\{")
_VAR_REF = re.compile(r"(?<![\w.])var\.([A-Za-z_][A-Za-z0-9_-]*)")
_MODULE_META = frozenset(
    {"source", "version", "providers", "count", "for_each", "depends_on", "__start_line__",
     "__end_line__", "__address__"}
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class TfFile:
    path: str  # repo-relative
    defs: Mapping[str, Any]  # checkov's rendered definitions
    lines: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Value:
    """A Terraform attribute as mlscan knows it."""

    state: str  # known | unknown | absent
    value: Any = None
    expression: str | None = None
    reason: str | None = None
    origins: tuple[dict[str, Any], ...] = ()

    def fact(self, attribute: str) -> dict[str, Any]:
        return {
            "attribute": attribute,
            "state": self.state,
            "expression": self.expression,
            "reason": self.reason,
            "origins": list(self.origins),
        }


@dataclass(kw_only=True)
class TfModule:
    """One folder of Terraform files, rendered, with what mlscan adds."""

    folder: str
    files: list[TfFile]
    breadcrumbs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tfvars: Mapping[str, tuple[Any, str]] = field(default_factory=dict)  # name -> (value, rel)
    inputs: dict[str, tuple[Any, dict[str, Any]]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    _unset: set[str] | None = None

    def __post_init__(self) -> None:
        for f in self.files:
            for entry in _as_list(f.defs.get("variable")):
                if not isinstance(entry, Mapping):
                    continue
                for name, body in entry.items():
                    if not isinstance(body, Mapping):
                        continue
                    has_default = "default" in body
                    default = _one(body.get("default")) if has_default else None
                    self.variables[str(name)] = {
                        "has_default": has_default,
                        "default": default,
                        "loc": {"path": f.path, "line": body.get("__start_line__")},
                    }

    def unset_variables(self) -> set[str]:
        """Variables with no value: no default or a null default, no tfvars, no input
        (computed once the module's inputs are known, on the first value asked for)."""
        if self._unset is not None:
            return self._unset
        out = set()
        for name, v in self.variables.items():
            if name in self.inputs:
                continue
            if name in self.tfvars and self.tfvars[name][0] is not None:
                continue
            if not v["has_default"] or v["default"] is None:
                out.add(name)
        self._unset = out
        return out

    def _why_unset(self, name: str) -> str:
        v = self.variables.get(name)
        if v is None:
            return f"var.{name} is not declared in this module"
        if v["has_default"]:
            return f"var.{name} defaults to null and no tfvars file sets it"
        return f"var.{name} has no default and no tfvars file sets it"

    def value(self, f: TfFile, body: Mapping[str, Any], attr: str, raw: Any) -> Value:
        """The rendered value of ``attr`` (a dotted path inside ``body``) of one block."""
        if raw is None or raw == []:
            return Value(state="absent")
        address = str(body.get("__address__") or "")
        crumbs = self.breadcrumbs.get(f.path, {}).get(address, {}).get(attr, [])
        expression = self.expression(f, body, attr)
        origins = tuple(
            {"type": c["type"], "name": c["name"], "path": c["path"]}
            for c in crumbs
            if c.get("type") != "resource" or c.get("name") != address
        ) + module_input_origin(self, expression)
        given = self._with_inputs(expression)
        if given is not None:
            state, got, reason = given
            return Value(
                state=state, value=got if state != "unknown" else raw, expression=expression,
                reason=reason, origins=origins,
            )
        unset = self.unset_variables()
        refs = set(_VAR_REF.findall(expression or ""))
        refs.update(c["name"] for c in crumbs if c.get("type") == "variable")
        missing = sorted(r for r in refs if r in unset)
        text = raw if isinstance(raw, str) else None
        if missing:
            return Value(
                state="unknown",
                value=raw,
                expression=expression or (text if text else None),
                reason="; ".join(self._why_unset(m) for m in missing),
                origins=origins,
            )
        if text is not None and _UNRESOLVED.search(text):
            return Value(
                state="unknown",
                value=raw,
                expression=expression or text,
                reason="mlscan cannot evaluate this expression",
                origins=origins,
            )
        return Value(state="known", value=raw, expression=expression, origins=origins)

    def _with_inputs(self, expression: str | None) -> tuple[str, Any, str | None] | None:
        """The value of an expression that reads a variable the module's caller sets while
        the variable also has a default (checkov rendered the default): re-evaluated with
        the caller's inputs, or unknown when mlscan cannot. None when no such variable."""
        refs = sorted(set(_VAR_REF.findall(expression or "")))
        given = [
            r for r in refs
            if r in self.inputs and self.variables.get(r, {}).get("has_default")
            and self.inputs[r][0] != self.variables[r]["default"]
        ]
        if not given or expression is None:
            return None
        ok, got = evaluate(expression, {k: v[0] for k, v in self.inputs.items()})
        if ok:
            return ("known", got, None) if got is not None else ("absent", None, None)
        calls = ", ".join(f"var.{r} is set by {self.inputs[r][1]['name']}" for r in given)
        return "unknown", None, f"{calls} and mlscan cannot evaluate the expression with it"

    @staticmethod
    def expression(f: TfFile, body: Mapping[str, Any], attr: str) -> str | None:
        """The text after ``<leaf> =`` inside the block (the first such line)."""
        start, end = body.get("__start_line__"), body.get("__end_line__")
        if not isinstance(start, int) or not isinstance(end, int):
            return None
        leaf = attr.rsplit(".", 1)[-1]
        pattern = re.compile(rf"^\s*{re.escape(leaf)}\s*=\s*(.+?)\s*$")
        for line in f.lines[start - 1 : end]:
            m = pattern.match(line)
            if m:
                return m.group(1)[:200]
        return None


def _one(value: Any) -> Any:
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def folder_of(rel: str) -> str:
    return posixpath.dirname(rel)


def group_modules(
    files: Iterable[TfFile],
    breadcrumbs: Mapping[str, Mapping[str, Any]],
    tfvars: Mapping[str, Mapping[str, tuple[Any, str]]],
) -> list[TfModule]:
    """One ``TfModule`` per folder (sorted), local module calls resolved."""
    by_folder: dict[str, list[TfFile]] = {}
    for f in sorted(files, key=lambda f: f.path):
        by_folder.setdefault(folder_of(f.path), []).append(f)
    modules = {
        folder: TfModule(
            folder=folder,
            files=fs,
            breadcrumbs=breadcrumbs,
            tfvars=tfvars.get(folder, {}),
        )
        for folder, fs in sorted(by_folder.items())
    }
    calls: dict[tuple[str, str], TfModule] = {}  # (caller folder, call name) -> callee
    for module in modules.values():
        for f in module.files:
            for call, body in _module_calls(f.defs):
                callee = _callee(modules, module, body)
                if callee is not None:
                    calls[(module.folder, call)] = callee
    for module in modules.values():
        for f in module.files:
            for call, body in _module_calls(f.defs):
                callee = _callee(modules, module, body)
                if callee is None:
                    continue
                where = {
                    "type": "module_input",
                    "name": f"module.{call}",
                    "path": f.path,
                    "line": body.get("__start_line__"),
                }
                for key, raw in body.items():
                    if str(key) in _MODULE_META or str(key).startswith("__"):
                        continue
                    value = _one(raw)
                    if isinstance(value, str):
                        value = _through_output(calls, module.folder, value)
                    if isinstance(value, str) and _UNRESOLVED.search(value):
                        continue  # the caller could not resolve it either
                    callee.inputs.setdefault(str(key), (value, where))
    for module in modules.values():
        if module.inputs:
            module.files = [_substitute_inputs(f, module.inputs) for f in module.files]
    callers = {folder for folder, _ in calls}
    for module in modules.values():
        if module.folder in callers:
            resolve = functools.partial(_bucket_output, calls, module.folder)
            module.files = [_substitute_outputs(f, resolve) for f in module.files]
    return list(modules.values())


_BUCKET_NAME_ATTR = {"aws_s3_bucket": "bucket", "google_storage_bucket": "name"}


def _bucket_output(
    calls: Mapping[tuple[str, str], TfModule], folder: str, call: str, output: str
) -> str | None:
    """The value of ``module.<call>.<output>`` seen from ``folder`` when it is a literal, or a
    bucket of the called module (``aws_s3_bucket.this.id`` / ``.bucket`` / ``.arn``) whose
    name is known there: the bucket's name (or ARN). None otherwise."""
    other = calls.get((folder, call))
    if other is None:
        return None
    got = _output(other, output)
    if got is None:
        return None
    ref = re.fullmatch(r"(?:\$\{)?([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)\.(\w+)\}?", got.strip())
    if ref is None:
        return None if _UNRESOLVED.search(got) else got
    rtype, rname, attr = ref.groups()
    name_attr = _BUCKET_NAME_ATTR.get(rtype)
    if name_attr is None:
        return None
    for f in other.files:
        for entry in _as_list(f.defs.get("resource")):
            body = entry.get(rtype) if isinstance(entry, Mapping) else None
            res = body.get(rname) if isinstance(body, Mapping) else None
            name = _one(res.get(name_attr)) if isinstance(res, Mapping) else None
            if not isinstance(name, str) or _UNRESOLVED.search(name):
                continue
            if attr in ("id", "bucket", "name"):
                return name
            if attr == "arn" and rtype == "aws_s3_bucket":
                return f"arn:aws:s3:::{name}"
    return None


def _output(module: TfModule, name: str) -> str | None:
    """The rendered value of ``output "<name>"`` of a module, when it is a string."""
    for f in module.files:
        for entry in _as_list(f.defs.get("output")):
            body = entry.get(name) if isinstance(entry, Mapping) else None
            got = _one(body.get("value")) if isinstance(body, Mapping) else None
            if isinstance(got, str):
                return got
    return None


_OUTPUT_REF = re.compile(r"module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)")


def _substitute_outputs(f: TfFile, resolve: Callable[[str, str], str | None]) -> TfFile:
    """Another module's outputs used by this module's resources and data sources
    (``bucket = module.models.bucket_id``), replaced by their values where known."""

    def one(m: re.Match[str]) -> str:
        got = resolve(m.group(1), m.group(2))
        return m.group(0) if got is None else got

    def sub(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: sub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [sub(v) for v in value]
        if isinstance(value, str) and "module." in value:
            whole = re.fullmatch(r"(?:\$\{)?" + _OUTPUT_REF.pattern + r"\}?", value.strip())
            if whole:
                got = resolve(whole.group(1), whole.group(2))
                return value if got is None else got
            return re.sub(r"\$\{" + _OUTPUT_REF.pattern + r"\}", one, value)
        return value

    defs = {k: (sub(v) if k in ("resource", "data") else v) for k, v in f.defs.items()}
    return TfFile(path=f.path, defs=defs, lines=f.lines)


def _callee(
    modules: Mapping[str, TfModule], caller: TfModule, body: Mapping[str, Any]
) -> TfModule | None:
    """The local module a ``module`` block calls (``source = "./..."``), or None."""
    source = _one(body.get("source"))
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return None
    target = posixpath.normpath(posixpath.join(caller.folder, source))
    callee = modules.get("" if target == "." else target)
    return None if callee is None or callee is caller else callee


_MODULE_OUTPUT = re.compile(r"^(?:\$\{)?module\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)\}?$")
_RESOURCE_REF = re.compile(
    r"^(?:\$\{)?([a-z][a-z0-9_]*\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)?)\}?$"
)


def _through_output(calls: Mapping[tuple[str, str], TfModule], folder: str, value: str) -> str:
    """``module.<call>.<output>`` given as an input: the called module's output value when
    it is a literal or a reference to one of that module's resources (``aws_s3_bucket.x.id``,
    which the fact builder then finds among every module's resources), else unchanged."""
    m = _MODULE_OUTPUT.match(value.strip())
    other = calls.get((folder, m.group(1))) if m else None
    if m is None or other is None:
        return value
    for f in other.files:
        for entry in _as_list(f.defs.get("output")):
            body = entry.get(m.group(2)) if isinstance(entry, Mapping) else None
            got = _one(body.get("value")) if isinstance(body, Mapping) else None
            if not isinstance(got, str):
                continue
            ref = _RESOURCE_REF.match(got.strip())
            if ref and not ref.group(1).startswith(("var.", "local.", "module.", "data.")):
                return ref.group(1)
            if not _UNRESOLVED.search(got):
                return got
    return value


def _module_calls(defs: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for entry in _as_list(defs.get("module")):
        if isinstance(entry, Mapping):
            for name, body in entry.items():
                if isinstance(body, Mapping):
                    yield str(name), body


def _substitute_inputs(f: TfFile, inputs: Mapping[str, tuple[Any, dict[str, Any]]]) -> TfFile:
    def sub(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: sub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [sub(v) for v in value]
        if isinstance(value, str) and "var." in value:
            whole = re.fullmatch(r"(?:\$\{)?var\.([A-Za-z_][A-Za-z0-9_-]*)\}?", value)
            if whole and whole.group(1) in inputs:
                return inputs[whole.group(1)][0]

            def one_ref(m: re.Match[str]) -> str:
                got = inputs.get(m.group(1))
                if got is None or not isinstance(got[0], str | int | float | bool):
                    return m.group(0)
                return str(got[0])

            value = re.sub(r"\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}", one_ref, value)
            return _VAR_REF.sub(one_ref, value)
        return value

    defs = {k: (sub(v) if k == "resource" else v) for k, v in f.defs.items()}
    return TfFile(path=f.path, defs=defs, lines=f.lines)


def module_input_origin(module: TfModule, expression: str | None) -> tuple[dict[str, Any], ...]:
    """The module calls that gave the variables of ``expression`` their values."""
    out = []
    for name in sorted(set(_VAR_REF.findall(expression or ""))):
        got = module.inputs.get(name)
        if got is not None:
            out.append({**got[1], "name": f"{got[1]['name']}.{name}"})
    return tuple(out)


def backends(files: Sequence[TfFile]) -> list[dict[str, Any]]:
    """``terraform { backend "s3" | "gcs" | "azurerm" { bucket = ... } }`` blocks."""
    out = []
    for f in files:
        for tf in _as_list(f.defs.get("terraform")):
            if not isinstance(tf, Mapping):
                continue
            for backend in _as_list(tf.get("backend")):
                if not isinstance(backend, Mapping):
                    continue
                for kind, body in backend.items():
                    body = _one(body)
                    if not isinstance(body, Mapping):
                        continue
                    bucket = _one(body.get("bucket")) or _one(body.get("container_name"))
                    line = _find_line(f.lines, rf'^\s*backend\s+"{re.escape(str(kind))}"')
                    out.append(
                        {
                            "type": str(kind),
                            "bucket": bucket if isinstance(bucket, str) else None,
                            "address": f"terraform.backend.{kind}",
                            "loc": {
                                "path": f.path,
                                "line": line,
                                "col": None,
                                "end_line": line,
                                "end_col": None,
                            },
                        }
                    )
    return out


def _find_line(lines: Sequence[str], pattern: str) -> int | None:
    rx = re.compile(pattern)
    for i, line in enumerate(lines, 1):
        if rx.match(line):
            return i
    return None
