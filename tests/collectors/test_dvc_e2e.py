"""End to end: an insecure and a hardened DVC project, through the CLI (``mlscan facts``)
and the full scan pipeline with every registered collector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlscan.scan import ScanOptions, run
from tests.collectors.test_dvc_helpers import init_repo, line_of, needs_dvc, sh
from tests.helpers import run_cli

pytestmark = needs_dvc

PLANTED = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYPLANTED"


def _insecure(tmp_path: Path) -> Path:
    src = init_repo(tmp_path / "registry")
    (src / "base.csv").write_text("id\n1\n")
    sh(src, "dvc", "add", "-q", "base.csv")
    sh(src, "git", "add", "-A")
    sh(src, "git", "commit", "-qm", "base")

    repo = init_repo(tmp_path / "credit")
    sh(repo, "dvc", "remote", "add", "-d", "storage", "http://dvc.acme.internal/credit")
    sh(repo, "dvc", "remote", "modify", "storage", "password", PLANTED)
    sh(repo, "dvc", "remote", "add", "backup", "s3://acme-credit/dvc")
    sh(repo, "dvc", "remote", "modify", "backup", "ssl_verify", "false")
    sh(repo, "dvc", "remote", "modify", "--local", "backup", "secret_access_key", PLANTED)
    (repo / "data").mkdir()
    (repo / "data" / "applicants.csv").write_text("age,income\n41,52000\n")
    (repo / "data" / "labels.csv").write_text("default\n0\n")
    sh(repo, "dvc", "add", "-q", "data")
    sh(repo, "dvc", "import", "-q", "--no-exec", str(src), "base.csv", "-o", "base.csv")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "add", "-f", ".dvc/config.local")
    sh(repo, "git", "commit", "-qm", "project")
    # someone edits the training data outside DVC
    (repo / "data" / "labels.csv").write_text("default\n1\n")
    return repo


def _hardened(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "credit")
    sh(repo, "dvc", "remote", "add", "-d", "storage", "s3://acme-credit/dvc")
    sh(repo, "dvc", "remote", "modify", "--local", "storage", "secret_access_key", PLANTED)
    (repo / "data").mkdir()
    (repo / "data" / "applicants.csv").write_text("age,income\n41,52000\n")
    sh(repo, "dvc", "add", "-q", "data")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "project")
    return repo


def _findings(root: Path) -> list[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return sorted(
        (f.control.id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.control.id.startswith("MLS-DVC-")
    )


@pytest.fixture(scope="module")
def insecure(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once; the tests that use it only read it."""
    return _insecure(tmp_path_factory.mktemp("insecure"))


def test_insecure_project(insecure: Path) -> None:
    repo = insecure
    config = repo / ".dvc" / "config"
    outs_line = line_of(repo / "base.csv.dvc", "outs:")
    assert _findings(repo) == [
        ("MLS-DVC-001", "base.csv.dvc", outs_line + 2),  # "- hash: md5" then "path: base.csv"
        ("MLS-DVC-003", "base.csv.dvc", line_of(repo / "base.csv.dvc", "repo:")),
        ("MLS-DVC-004", ".dvc/config", line_of(config, "password")),
        ("MLS-DVC-004", ".dvc/config.local", 2),
        ("MLS-DVC-005", ".dvc/config.local", 1),
        ("MLS-DVC-006", ".dvc/config", line_of(config, "url = http://")),
        ("MLS-DVC-006", ".dvc/config", line_of(config, "ssl_verify")),
        ("MLS-DVC-007", "data.dvc", line_of(repo / "data.dvc", "path: data")),
    ]


def test_hardened_project(tmp_path: Path) -> None:
    assert _findings(_hardened(tmp_path)) == []


def test_facts_cli_never_prints_secrets(insecure: Path) -> None:
    repo = insecure
    out = run_cli("facts", str(repo))
    assert out.code == 0, out.err
    assert PLANTED not in out.out and PLANTED not in out.err
    doc = json.loads(out.out)
    storage = next(r for r in doc["dvc"]["remotes"] if r["name"] == "storage")
    assert storage["url"] == "http://dvc.acme.internal/credit"
    assert [(s["key"], s["loc"]["line"], s["loc"]["col"]) for s in storage["secrets"]] == [
        ("password", line_of(repo / ".dvc" / "config", "password"), 5)
    ]
    data = next(o for o in doc["dvc"]["outputs"] if o["path"] == "data")
    assert data["workspace_changes"]["modified"] == ["labels.csv"]


def test_inline_suppression_in_dvc_config(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "mirror", "http://mirror.internal/dvc")
    config = repo / ".dvc" / "config"
    lines = config.read_text().splitlines()
    url_index = next(i for i, line in enumerate(lines) if "url = " in line)
    lines.insert(
        url_index,
        '    # mlscan:ignore[MLS-DVC-006] reason="internal mirror behind VPN" expires=2099-01-31',
    )
    config.write_text("\n".join(lines) + "\n")
    result = run(ScanOptions(paths=(str(repo),)))
    (finding,) = [f for f in result.findings if f.control.id.startswith("MLS-DVC-")]
    assert (finding.control.id, finding.location.path, finding.location.start_line) == (
        "MLS-DVC-006",
        ".dvc/config",
        url_index + 2,
    )
    assert finding.suppressed
    assert finding.suppression is not None
    assert finding.suppression.justification == "internal mirror behind VPN"


def test_cli_scan_json_and_sarif(insecure: Path, tmp_path: Path) -> None:
    expected = _findings(insecure)
    out = run_cli("scan", str(insecure), "--format", "json")
    assert out.code == 1, out.err  # findings at or above the default fail-on (medium)
    assert PLANTED not in out.out
    doc = json.loads(out.out)
    got = sorted(
        (f["control"], f["location"]["path"], f["location"]["start_line"])
        for f in doc["findings"]
        if f["control"].startswith("MLS-DVC-")
    )
    assert got == expected
    sarif = run_cli("scan", str(insecure), "--format", "sarif")
    assert sarif.code == 1, sarif.err
    assert PLANTED not in sarif.out
    results = json.loads(sarif.out)["runs"][0]["results"]
    located = sorted(
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
        if r["ruleId"].startswith("MLS-DVC-")
    )
    assert located == expected
    hardened = _hardened(tmp_path)
    clean = run_cli("scan", str(hardened), "--format", "json")
    assert clean.code == 0, clean.out + clean.err
    assert [
        f for f in json.loads(clean.out)["findings"] if f["control"].startswith("MLS-DVC-")
    ] == []
