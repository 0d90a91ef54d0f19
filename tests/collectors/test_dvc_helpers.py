"""Shared helpers for the DVC tests (no tests here): real ``git`` + ``dvc`` repositories."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from mlscan.collectors.base import CollectContext
from mlscan.collectors.dvc.collector import DvcCollector
from mlscan.config import Config
from mlscan.models import Finding, Notification
from mlscan.scan import ScanOptions, run
from mlscan.workspace import Workspace

_BIN = Path(sys.executable).parent
DVC = str(_BIN / "dvc") if (_BIN / "dvc").exists() else shutil.which("dvc")

needs_dvc = pytest.mark.skipif(DVC is None, reason="the dvc CLI is not installed")

ENV = {
    **os.environ,
    "DVC_NO_ANALYTICS": "1",
    "DVC_NO_UPDATER": "1",
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def sh(cwd: Path, *args: str) -> str:
    """Run a command (git or dvc) in ``cwd``; fail the test with its output on error."""
    cmd = [DVC, *args[1:]] if args[0] == "dvc" else list(args)
    proc = subprocess.run(
        cmd, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300, check=False
    )
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


_TEMPLATE: list[Path] = []


def _template() -> Path:
    """One ``git init`` + ``dvc init`` repository per test session, copied for each test
    (``dvc init`` is the slowest step)."""
    if not _TEMPLATE:
        base = Path(tempfile.mkdtemp(prefix="mlscan-dvc-template-"))
        atexit.register(shutil.rmtree, base, True)
        repo = base / "repo"
        repo.mkdir()
        sh(repo, "git", "init", "-q", "-b", "main")
        sh(repo, "dvc", "init", "-q")
        _TEMPLATE.append(repo)
    return _TEMPLATE[0]


def init_repo(path: Path, commit: bool = True) -> Path:
    """A fresh git + DVC repository at ``path`` (``dvc init`` output, committed)."""
    shutil.copytree(_template(), path, symlinks=True)
    if commit:
        sh(path, "git", "add", "-A")
        sh(path, "git", "commit", "-qm", "init")
    return path


def collect(path: Path) -> tuple[dict[str, Any], tuple[Notification, ...]]:
    ws = Workspace.discover(path)
    out = DvcCollector().collect(ws, CollectContext.create(ws, config=Config()))
    # the fact document must be JSON-ready
    return json.loads(json.dumps(out.facts)), out.notifications


def scan(path: Path) -> list[Finding]:
    """The real pipeline (collector -> embedded Rego -> findings), DVC collector only."""
    result = run(ScanOptions(paths=(str(path),), collectors=(DvcCollector(),)))
    return [f for f in result.findings if f.control.id.startswith("MLS-DVC-")]


def hits(findings: list[Finding]) -> list[tuple[str, str, int | None, int | None]]:
    """(control id, path, line, col) of each finding, sorted."""
    return sorted(
        (f.control.id, f.location.path, f.location.start_line, f.location.start_col)
        for f in findings
    )


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` that contains ``needle``."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def one(items: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [i for i in items if all(i.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, items)
    return found[0]
