"""The ``secrets`` family: secrets committed in the files ML teams commit, and what they
unlock.

detect-secrets (``detector.py``) reads each candidate file (``files.py``) from the parse
cache; notebooks are read cell by cell (code cells as Python, outputs as text) and every
line is mapped back to its line in the ``.ipynb`` file. A fact records the key that holds
the secret, the detectors that fired, the shape of the value (``reference``,
``placeholder``, ``default``, ``literal``), the place in a URI, whether git tracks the file
and whether ``.gitignore`` would ignore it, the compose / Kubernetes / Helm context, and a
``value_group`` shared by the facts that hold the same value (so the same key pair in
Python, compose and shell is one story) - never the value, nor a hash of it.

``references`` are the places that consume secrets (compose interpolation, ``secretKeyRef``,
Helm ``.Values``); the link stage adds ``links``, joining the two (``link.py``).
docs/facts.md documents each field.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, line_loc
from mlscan.collectors.minio_xl import inline_objects
from mlscan.collectors.secrets import structure
from mlscan.collectors.secrets.detector import by_value, scan_text
from mlscan.collectors.secrets.files import classify
from mlscan.collectors.secrets.values import key_for, key_is_secret_name, value_kind
from mlscan.compose_files import may_be_compose
from mlscan.workspace import Workspace

SOURCE = "secrets"
_STRUCTURED = ("compose", "yaml", "helm-values", "ci")
_UNQUOTED = ("shell", "dotenv", "dockerfile")


class SecretsCollector:
    family = "secrets"

    def applies(self, ws: Workspace) -> bool:
        return any(classify(f.path) is not None for f in ws.candidates())

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        secrets: list[dict[str, Any]] = []
        values: list[str] = []
        refs: list[dict[str, Any]] = []
        files: list[str] = []
        for f in ws.candidates():
            kind = classify(f.path)
            if kind is None:
                continue
            file_kind, dialect = kind
            found, file_refs = _scan_file(ctx, f.path, file_kind, dialect)
            refs.extend(file_refs)
            if not found and not file_refs:
                continue
            files.append(f.path)
            if found:
                tracked = ws.is_tracked(f.path)
                ignored = ws.ignore_rules_match(f.path) if tracked else None
                for fact, value in found:
                    fact["tracked"] = tracked
                    fact["ignored_by_gitignore"] = ignored
                    secrets.append(fact)
                    values.append(value)
        _group_values(secrets, values)
        del values
        order = sorted(range(len(secrets)), key=lambda i: _loc_key(secrets[i]))
        facts: dict[str, Any] = {
            "secrets": [secrets[i] for i in order],
            "references": sorted(refs, key=_loc_key),
        }
        return CollectorOutput(facts=facts, files=tuple(sorted(files)))


def _loc_key(fact: dict[str, Any]) -> tuple[str, int, int]:
    loc = fact["loc"]
    return (loc["path"], loc["line"] or 0, loc["col"] or 0)


def _group_values(secrets: list[dict[str, Any]], values: list[str]) -> None:
    """Number the values held in more than one place (in path/line order): facts that hold
    the same value share ``value_group``; the value itself is dropped."""
    places: dict[str, set[tuple[str, int]]] = {}
    for fact, value in zip(secrets, values, strict=True):
        places.setdefault(value, set()).add((fact["loc"]["path"], fact["loc"]["line"] or 0))
    shared = sorted((min(p), v) for v, p in places.items() if len(p) > 1)
    group = {v: f"g{n}" for n, (_, v) in enumerate(shared, start=1)}
    for fact, value in zip(secrets, values, strict=True):
        fact["value_group"] = group.get(value)


def _scan_file(
    ctx: CollectContext, rel: str, file_kind: str, dialect: str
) -> tuple[list[tuple[dict[str, Any], str]], list[dict[str, Any]]]:
    if file_kind == "notebook":
        return _scan_notebook(ctx, rel), []
    text = _minio_json(ctx, rel) if file_kind == "minio-xl" else ctx.parsed.text(rel)
    if text is None:
        return [], []
    if file_kind == "markdown":
        text = _code_only(text)
    if file_kind in ("compose", "yaml"):
        # a stack-named file is compose only with a top-level services: (a CloudFormation
        # stack.yaml is not); any YAML with one is read as compose
        file_kind = "compose" if may_be_compose(PurePosixPath(rel).name, text) else "yaml"
    refs: list[dict[str, Any]] = []
    context: dict[int, dict[str, Any]] = {}
    values_paths: dict[int, str] = {}
    is_template = "templates" in PurePosixPath(rel).parts and "{{" in text
    if is_template:
        refs.extend(structure.helm_template(rel, text))
    hits = scan_text(text, dialect)
    wants_structure = file_kind == "compose" or (
        file_kind in _STRUCTURED and (hits or "secretKeyRef" in text or "secretRef" in text)
    )
    if wants_structure and not is_template:
        docs = ctx.parsed.yaml(rel)
        if docs is not None:
            if file_kind == "compose":
                found_refs, context = structure.compose(rel, docs, text.split("\n"))
            else:
                found_refs, context = structure.kubernetes(rel, docs)
            refs.extend(found_refs)
            if file_kind == "helm-values" and hits:
                values_paths = structure.yaml_paths(docs)
    lines = text.split("\n")
    out: list[tuple[dict[str, Any], str]] = []
    for line, value, detectors in by_value(hits):
        line_text = lines[line - 1] if 0 < line <= len(lines) else ""
        if dialect in _UNQUOTED and value.split():
            value = value.split()[0]  # an unquoted shell / .env value ends at whitespace
        fact = _fact(rel, file_kind, line, line_text, value, detectors)
        where = context.get(line)
        if where is not None and where["kind"] == "k8s-secret":
            fact["k8s_secret"] = {"name": where["secret_name"], "key": where["secret_key"]}
            fact["key"] = fact["key"] or where["secret_key"]
        elif where is not None:
            fact["context"] = where
            if fact["key"] is None or fact["key"] == "value":
                fact["key"] = where["env"] or where["option"]
                fact["key_is_secret_name"] = key_is_secret_name(fact["key"])
        if line in values_paths:
            fact["values_path"] = values_paths[line]
        out.append((fact, value))
    return out, refs


def _minio_json(ctx: CollectContext, rel: str) -> str | None:
    """The JSON object MinIO stores inline in ``rel`` (an ``xl.meta``), as text; line
    numbers in the facts are lines of that object."""
    objects = ctx.parsed.binary("minio-xl", rel, lambda data: inline_objects(data, len(data)),
                                int(ctx.config.limits.max_json_size))
    for obj in objects or ():
        try:
            return obj.data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # compressed or encrypted by MinIO: nothing to read
    return None


_FENCE = re.compile(r"^\s*(```|~~~)")


def _code_only(text: str) -> str:
    """A README's fenced code blocks (``export MLFLOW_TRACKING_PASSWORD=...``); prose lines
    are blanked so that line numbers stay those of the file."""
    out: list[str] = []
    inside = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            inside = not inside
            out.append("")
        else:
            out.append(line if inside else "")
    return "\n".join(out)


def _scan_notebook(ctx: CollectContext, rel: str) -> list[tuple[dict[str, Any], str]]:
    cells = ctx.parsed.notebook(rel)
    out: list[tuple[dict[str, Any], str]] = []
    for cell in cells or ():
        lines = cell.text.split("\n")
        dialect = "python" if cell.kind == "code" else "text"
        for line, value, detectors in by_value(scan_text(cell.text, dialect)):
            line_text = lines[line - 1] if 0 < line <= len(lines) else ""
            fact = _fact(rel, "notebook", cell.file_line(line), line_text, value, detectors)
            fact["cell"] = {"index": cell.index, "kind": cell.kind, "line": line}
            out.append((fact, value))
    return out


def _fact(
    rel: str, file_kind: str, line: int | None, line_text: str, value: str, detectors: list[str]
) -> dict[str, Any]:
    key, uri_part = key_for(line_text, value)
    return {
        "key": key,
        "key_is_secret_name": key_is_secret_name(key),
        "detectors": detectors,
        "file_kind": file_kind,
        "value_kind": value_kind(value, key),
        "uri_part": uri_part,
        "context": None,
        "k8s_secret": None,
        "values_path": None,
        "cell": None,
        "loc": line_loc(rel, line),
    }
