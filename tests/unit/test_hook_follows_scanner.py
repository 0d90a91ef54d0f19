"""Every entry point follows the scanner: the truth about which files matter comes from
the scanner itself, not from a hand-written list.

Each project tree (every example variant and every fixture tree under tests/fixtures/)
is scanned once; every workspace file that a fact was read from (the ``path`` of each
location object in the fact document: ``loc``, ``*_loc``, ``anchor``, ...) must be matched
by the pre-commit hook's ``files`` pattern, or a commit that changes that file would never
reach mlscan. And the same file staged alone (as pre-commit passes it) must still give
facts of the same family located in that file: the dependency expansion
(mlscan/precommit.py) has to bring in whatever the collector needs to see it.

A collector that learns a new file kind, with a fixture for it, is covered automatically.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mlscan.collectors.iac.checkov_run import CheckovRun, run_checkov
from mlscan.config import load_config
from mlscan.precommit import expand_paths
from mlscan.scan import collect_facts
from tests.helpers import EXAMPLES, REPO

FIXTURES = REPO / "tests" / "fixtures"
# Fixture folders that are not project trees (Rego policy folders for `--policy` tests).
NOT_PROJECTS = {"policies"}
# Fact-document parts that describe the scan, not what a file said.
NOT_FACTS = {"schema_version", "workspace", "notifications"}
# Keys whose places are joined in by the link stage only when the whole project was seen
# (``used_by`` of model files: a staged file alone cannot tell what uses a model, so the
# link adds nothing and the controls keep their severity).
WHOLE_PROJECT_ONLY = {"used_by"}


def _trees() -> list[Path]:
    """Every example variant; every folder two levels under tests/fixtures (one project
    tree each: ``mlflow/insecure``, ``iac/modules``, ...) and every family folder that
    holds files itself (``keras``, ``torch``)."""
    trees = sorted(p for p in EXAMPLES.glob("*/*") if p.is_dir())
    for family in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        if family.name in NOT_PROJECTS:
            continue
        if any(f.is_file() for f in family.iterdir()):
            trees.append(family)
        trees += sorted(p for p in family.iterdir() if p.is_dir())
    return trees


TREES = _trees()


def _id(tree: Path) -> str:
    return tree.relative_to(REPO).as_posix()


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def _sources(facts: dict[str, Any], root: Path) -> set[tuple[str, str, str]]:
    """(family, section, file) for every location in the fact document that names a
    file of ``root``. A location is any object with ``path`` and ``line`` keys; a
    ``file`` or ``source`` string naming a workspace file is a source too (a secret's
    context, the lock file a DVC dependency was read from). A bare ``path`` is not: it
    is often what a fact names (a DVC output), not where it was read."""
    out: set[tuple[str, str, str]] = set()

    def walk(node: Any, family: str, section: str) -> None:
        if isinstance(node, dict):
            path = node.get("path")
            if isinstance(path, str) and "line" in node and (root / path).is_file():
                out.add((family, section, path))
            for key in ("file", "source"):
                named = node.get(key)
                if isinstance(named, str) and named and (root / named).is_file():
                    out.add((family, section, named))
            for key, value in node.items():
                if key not in WHOLE_PROJECT_ONLY:
                    walk(value, family, section)
        elif isinstance(node, list):
            for value in node:
                walk(value, family, section)

    for family, body in facts.items():
        if family in NOT_FACTS:
            continue
        if isinstance(body, dict):
            for section, value in body.items():
                walk(value, family, section)
        else:
            walk(body, family, "")
    return out


def _scan(root: Path, *named: str) -> dict[str, Any]:
    logging.disable(logging.CRITICAL)  # picklescan logs what it finds in the pickle fixtures
    try:
        with _cwd(root):
            return collect_facts(named or (str(root),)).facts
    finally:
        logging.disable(logging.NOTSET)


_FULL: dict[Path, set[tuple[str, str, str]]] = {}


def _full_scan_sources(tree: Path) -> set[tuple[str, str, str]]:
    """One whole scan per tree (checkov included), shared by the tests below."""
    if tree not in _FULL:
        _FULL[tree] = _sources(_scan(tree), tree)
    return _FULL[tree]


def _hook_pattern() -> re.Pattern[str]:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return re.compile(hook["files"])


def test_every_project_tree_is_scanned() -> None:
    """The discovery above finds the trees the collectors' tests use (a guard against a
    layout change silently emptying this module)."""
    ids = {_id(t) for t in TREES}
    for expected in (
        "examples/sentiment-api/insecure",
        "examples/credit-fraud-platform/hardened",
        "tests/fixtures/mlflow/deployments",
        "tests/fixtures/serving/apps",
        "tests/fixtures/iac/project",
        "tests/fixtures/iac/modules",
        "tests/fixtures/keras",
    ):
        assert expected in ids, expected


@pytest.mark.parametrize("tree", TREES, ids=_id)
def test_hook_files_pattern_matches_every_file_a_fact_comes_from(tree: Path) -> None:
    rx = _hook_pattern()
    sources = _full_scan_sources(tree)
    missed = sorted({(path, family) for family, _, path in sources if not rx.search(path)})
    assert missed == [], f"the hook's files pattern never passes these files: {missed}"


_CHECKOV: dict[str, CheckovRun] = {}


def _memo_checkov(files_by_framework: Any, **kw: Any) -> CheckovRun:
    """checkov on the same files gives the same result: the one-file scans of a module's
    files share one checkov run."""
    files = sorted((k, list(v)) for k, v in files_by_framework.items())
    key = repr((files, kw.get("include_all"), kw.get("tfvars")))  # the same policy's checks
    if key not in _CHECKOV:
        _CHECKOV[key] = run_checkov(files_by_framework, **kw)
    return _CHECKOV[key]


# Facts a collector gathers only as context for another fact of the same scan: staged
# alone, their file has nothing for them to qualify, and no finding can depend on them.
CONTEXT_ONLY = {
    # read only when the scan holds a model (MLS-SIG-001 asks whether a project that has
    # models shows signing in use); a staged requirements file or workflow has no model
    ("signatures", "signing_evidence"),
}


@pytest.mark.parametrize("tree", TREES, ids=_id)
def test_a_file_staged_alone_keeps_its_facts(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected: dict[str, set[str]] = {}
    for family, section, path in _full_scan_sources(tree):
        if (family, section) not in CONTEXT_ONLY:
            expected.setdefault(path, set()).add(family)
    monkeypatch.setattr("mlscan.collectors.iac.collector.run_checkov", _memo_checkov)
    # A named-file scan reads exactly the expansion of the name: files with the same
    # expansion (the .tf files of one module) share one scan.
    config = load_config(None, root=tree)
    scans: dict[tuple[str, ...] | None, set[tuple[str, str, str]]] = {}
    lost: list[tuple[str, list[str]]] = []
    for path, families in sorted(expected.items()):
        closure = expand_paths(tree, (path,), config)
        if closure not in scans:
            scans[closure] = _sources(_scan(tree, path), tree)
        got = {family for family, _, p in scans[closure] if p == path}
        if families - got:
            lost.append((path, sorted(families - got)))
    assert lost == [], f"staged alone, these files lose their facts: {lost}"
