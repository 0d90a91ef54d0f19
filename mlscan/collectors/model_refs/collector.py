"""The ``model_refs`` family: places in the project that name a model file or folder.

Python files and notebook code cells (loader arguments and path literals, as glob
patterns: ``python_refs``), Dockerfile ``COPY``/``ADD`` sources (``dockerfile_refs``) and
model paths named in configuration files and scripts (``text_refs``).
Test code counts too (a test that loads a committed model uses it). The link stage
(``model_refs.link``) joins these, with DVC outputs, dependencies and stage commands, to
``artifacts.files`` and ``artifacts.mlmodels``.
"""

from __future__ import annotations

import re
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, line_loc
from mlscan.collectors.model_refs.dockerfile_refs import copy_sources
from mlscan.collectors.model_refs.python_refs import MODEL_SUFFIX, references
from mlscan.collectors.model_refs.text_refs import is_config_file, words
from mlscan.workspace import Workspace

_SUFFIX_IN_TEXT = re.compile(MODEL_SUFFIX.pattern.replace("$", r"\b"), re.I)


def _is_dockerfile(name: str) -> bool:
    low = name.lower()
    return low.startswith(("dockerfile", "containerfile")) or low.endswith(".dockerfile")


def _python(ctx: CollectContext, rel: str) -> list[dict[str, Any]]:
    text = ctx.parsed.text(rel)
    if text is None or not _mentions_model(text):
        return []
    tree = ctx.parsed.python_ast(rel)
    if tree is None:
        return []
    return [
        {"source": "python", "pattern": r.pattern, "kind": r.kind, "call": r.call,
         "loc": line_loc(rel, r.line, r.col)}
        for r in references(tree)
    ]  # fmt: skip


def _notebook(ctx: CollectContext, rel: str) -> list[dict[str, Any]]:
    text = ctx.parsed.text(rel)
    if text is None or not _mentions_model(text):
        return []
    cells = ctx.parsed.notebook_python(rel)
    out: list[dict[str, Any]] = []
    for cell, tree in cells or ():
        if tree is None:
            continue
        for r in references(tree):
            out.append(
                {"source": "notebook", "pattern": r.pattern, "kind": r.kind, "call": r.call,
                 "loc": line_loc(rel, cell.file_line(r.line), None)}
            )  # fmt: skip
    return out


def _mentions_model(text: str) -> bool:
    return "load" in text or _SUFFIX_IN_TEXT.search(text) is not None


def _dockerfile(ctx: CollectContext, rel: str) -> list[dict[str, Any]]:
    text = ctx.parsed.text(rel)
    if text is None:
        return []
    return [
        {"source": "dockerfile", "pattern": src, "kind": "copy", "call": "COPY",
         "loc": line_loc(rel, line, None)}
        for src, line in copy_sources(text)
    ]  # fmt: skip


def _config(ctx: CollectContext, rel: str) -> list[dict[str, Any]]:
    text = ctx.parsed.text(rel)
    if text is None:
        return []
    return [
        {"source": "config", "pattern": word, "kind": "name", "call": "",
         "loc": line_loc(rel, line, None)}
        for word, line in words(text)
    ]  # fmt: skip


class ModelRefsCollector:
    family = "model_refs"

    def applies(self, ws: Workspace) -> bool:
        return True  # `complete` is a fact even for a project without code

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        found: list[dict[str, Any]] = []
        for f in ws.candidates():
            if f.suffix == ".py":
                found.extend(_python(ctx, f.path))
            elif f.suffix == ".ipynb":
                found.extend(_notebook(ctx, f.path))
            elif _is_dockerfile(f.name):
                found.extend(_dockerfile(ctx, f.path))
            elif is_config_file(f.path):
                found.extend(_config(ctx, f.path))
        found.sort(key=lambda r: (r["loc"]["path"], r["loc"]["line"] or 0, r["pattern"]))
        # the whole project was seen: no file list (pre-commit, explicit files), no file limit
        complete = ws.options.only is None and len(ws.files) < ws.options.max_files
        return CollectorOutput(
            facts={"references": found, "complete": complete},
            files=tuple(sorted({r["loc"]["path"] for r in found})),
        )
