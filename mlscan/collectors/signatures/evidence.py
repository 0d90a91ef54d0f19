"""Signs that a project signs (or means to sign) its models, beyond signatures themselves.

MLS-SIG-001 asks for a signature only where signing is in use: a ``signing`` section, a
signed model, a committed signature, or one of these lines. Each is what was seen (a
path, a line, what it names); the control decides.

* ``dependency``: ``model-signing`` or ``sigstore`` in a requirements / constraints file,
  ``pyproject.toml``, ``setup.py``/``setup.cfg``, ``Pipfile`` or a conda environment;
* ``workflow``: a signing command in CI, a Makefile or a shell script
  (``model_signing sign``, ``python -m model_signing ... sign``, ``cosign sign``,
  ``cosign sign-blob``, ``sigstore sign``);
* ``code``: Python that imports ``model_signing`` (signs or verifies models).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, line_loc
from mlscan.workspace import Workspace

MAX_EVIDENCE = 20  # lines kept; one is enough to decide

_DEPENDENCY_FILE = re.compile(
    r"^((requirements|constraints)[^/]*\.(txt|in)|pyproject\.toml|setup\.(py|cfg)|Pipfile|"
    r"environment\.ya?ml|conda\.ya?ml)$", re.I)
_CI_FILE = re.compile(
    r"(^|/)(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.circleci/config\.ya?ml|"
    r"azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|Jenkinsfile|Makefile|GNUmakefile|"
    r"[^/]+\.mk|[^/]+\.(sh|bash))$")
_DEPENDENCY = re.compile(r"(?<![\w.-])(model[-_]signing|sigstore)(?![\w-])", re.I)
_WORKFLOW = re.compile(
    r"\b(model[-_]signing\s+sign|python3?\s+-m\s+model_signing\b[^\n]*\bsign|"
    r"cosign\s+sign(-blob)?|sigstore\s+sign)\b")
_IMPORT = re.compile(r"^\s*(from\s+model_signing(\.\w+)*\s+import|import\s+model_signing)\b")


def _kind(path: str) -> str | None:
    name = PurePosixPath(path).name
    if _DEPENDENCY_FILE.match(name):
        return "dependency"
    if _CI_FILE.search(path):
        return "workflow"
    if name.endswith(".py"):
        return "code"
    return None


def signing_evidence(ws: Workspace, ctx: CollectContext) -> list[dict[str, Any]]:
    """``{kind, what, path, loc}`` for each line that shows signing in use."""
    out: list[dict[str, Any]] = []
    for f in ws.candidates():
        kind = _kind(f.path)
        if kind is None:
            continue
        text = ctx.parsed.text(f.path)
        if text is None or not _quick(kind, text):
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            stripped = line.strip()
            if stripped.startswith("#"):
                continue
            pattern = {"dependency": _DEPENDENCY, "workflow": _WORKFLOW, "code": _IMPORT}[kind]
            m = pattern.search(line)
            if m is None:
                continue
            out.append({"kind": kind, "what": m.group(0).strip(), "path": f.path,
                        "loc": line_loc(f.path, number)})
            break  # one line per file
        if len(out) >= MAX_EVIDENCE:
            break
    return sorted(out, key=lambda e: (e["path"], e["loc"]["line"]))


def _quick(kind: str, text: str) -> bool:
    lower = text.lower()
    if kind == "code":
        return "model_signing" in text
    if kind == "dependency":
        return "signing" in lower or "sigstore" in lower
    return "sign" in lower
