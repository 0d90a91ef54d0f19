"""Developer and CI workflows through the real CLI: repository-relative paths for a scan
root below the top of a git work tree, ``--baseline``, configuration discovery and
``mlscan init``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mlscan.cli.workflow import profile
from mlscan.config import load_config
from tests.helpers import EXAMPLES, REPO, git, run_cli

FIXTURE = REPO / "tests" / "fixtures" / "mlflow" / "insecure"


def _results(sarif_text: str) -> list[dict[str, Any]]:
    (run_,) = json.loads(sarif_text)["runs"]
    return list(run_["results"])


def _where(r: dict[str, Any]) -> tuple[str, int, str]:
    phys = r["locations"][0]["physicalLocation"]
    return (phys["artifactLocation"]["uri"], phys["region"]["startLine"], r["ruleId"])


# ------------------------------------------------------------------ repository paths
@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    repo = tmp_path / "mono repo"
    shutil.copytree(FIXTURE, repo / "services" / "ml")
    (repo / "README.md").write_text("monorepo\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def test_sarif_uris_are_relative_to_the_repository_root_for_a_subdirectory_scan(
    monorepo: Path,
) -> None:
    res = run_cli("scan", "services/ml", "--format", "sarif", "--fail-on", "never", cwd=monorepo)
    assert res.code == 0, res.err
    log = json.loads(res.out)
    (run_,) = log["runs"]
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == monorepo.resolve().as_uri() + "/"
    got = [_where(r) for r in run_["results"]]
    assert got[:3] == [
        ("services/ml/basic_auth.ini", 2, "MLS-MLF-003"),
        ("services/ml/basic_auth.ini", 5, "MLS-MLF-002"),
        ("services/ml/deploy/docker-compose.yml", 5, "MLS-MLF-004"),
    ]
    assert all(uri.startswith("services/ml/") for uri, _, _ in got)
    assert all((monorepo / uri).is_file() for uri, _, _ in got)
    # The same scan started from inside the sub-folder gives the same paths.
    inside = run_cli(
        "scan", ".", "--format", "sarif", "--fail-on", "never", cwd=monorepo / "services" / "ml"
    )
    assert [_where(r) for r in _results(inside.out)] == got


def test_github_annotations_are_relative_to_the_repository_root(monorepo: Path) -> None:
    res = run_cli("scan", "services/ml", "--format", "github", "--fail-on", "never", cwd=monorepo)
    lines = res.out.splitlines()
    assert lines[0].startswith("::error file=services/ml/basic_auth.ini,line=2,col=1,")
    assert all("file=services/ml/" in line for line in lines)


def test_paths_stay_scan_root_relative_outside_git_and_in_text_and_json(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    shutil.copytree(FIXTURE, root)
    sarif = run_cli("scan", str(root), "--format", "sarif", "--fail-on", "never")
    assert _where(_results(sarif.out)[0]) == ("basic_auth.ini", 2, "MLS-MLF-003")
    assert json.loads(sarif.out)["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"] == (
        root.resolve().as_uri() + "/"
    )


def test_text_and_json_keep_scan_root_relative_paths_inside_git(monorepo: Path) -> None:
    doc = json.loads(
        run_cli("scan", "services/ml", "--format", "json", "--fail-on", "never", cwd=monorepo).out
    )
    assert doc["findings"][0]["location"]["path"] == "basic_auth.ini"


# ------------------------------------------------------------------------- baseline
def test_baseline_only_new_findings_fail_and_sarif_marks_new_unchanged_absent(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    baseline = tmp_path / "baseline.sarif"
    first = run_cli(
        "scan", str(root), "--format", "sarif", "-o", str(baseline), "--fail-on", "high"
    )
    assert first.code == 1
    before = {_where(r) for r in _results(baseline.read_text())}

    # Same findings, lines moved: nothing is new, the baseline accepts them all.
    compose = root / "deploy" / "docker-compose.yml"
    compose.write_text("# moved down by a comment\n" + compose.read_text(), encoding="utf-8")
    same = run_cli(
        "scan", str(root), "--format", "sarif", "--baseline", str(baseline), "--fail-on", "low"
    )
    assert same.code == 0, same.out
    assert {r["baselineState"] for r in _results(same.out)} == {"unchanged"}

    # One finding fixed (MLS-MLF-003 in basic_auth.ini), one new (a second server).
    ini = root / "basic_auth.ini"
    ini.write_text(
        ini.read_text().replace("default_permission = EDIT", "default_permission = NO_PERMISSIONS")
    )
    # (a script: a Dockerfile's default CMD is not judged beside deployments that set
    # the command themselves, as the compose file here does)
    (root / "deploy" / "run.sh").write_text("#!/bin/sh\nmlflow server --host 0.0.0.0\n")
    changed = run_cli(
        "scan", str(root), "--format", "sarif", "--baseline", str(baseline), "--fail-on", "high"
    )
    assert changed.code == 1
    states: dict[str, list[tuple[str, int, str]]] = {}
    for r in _results(changed.out):
        states.setdefault(r["baselineState"], []).append(_where(r))
    assert states["new"] == [("deploy/run.sh", 2, "MLS-MLF-001")]
    assert states["absent"] == [("basic_auth.ini", 2, "MLS-MLF-003")]
    assert len(states["unchanged"]) == len(before) - 1
    (absent,) = [r for r in _results(changed.out) if r["baselineState"] == "absent"]
    rules = json.loads(changed.out)["runs"][0]["tool"]["driver"]["rules"]
    assert rules[absent["ruleIndex"]]["id"] == "MLS-MLF-003"

    # Only the new finding counts: below its severity nothing fails.
    assert (
        run_cli("scan", str(root), "--baseline", str(baseline), "--fail-on", "critical").code == 1
    )
    (root / "deploy" / "run.sh").unlink()
    fixed = run_cli("scan", str(root), "--baseline", str(baseline), "--fail-on", "low")
    assert fixed.code == 0, fixed.out

    # The new SARIF can itself be the next baseline: absent results are not carried on.
    second = tmp_path / "second.sarif"
    second.write_text(changed.out, encoding="utf-8")
    again = run_cli(
        "scan", str(root), "--format", "sarif", "--baseline", str(second), "--fail-on", "never"
    )
    states2 = {r["baselineState"] for r in _results(again.out)}
    assert "absent" in states2  # the script finding, gone since
    assert [_where(r) for r in _results(again.out) if r["baselineState"] == "absent"] == [
        ("deploy/run.sh", 2, "MLS-MLF-001")
    ]


def test_an_unreadable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "b.sarif"
    bad.write_text("not json", encoding="utf-8")
    res = run_cli("scan", str(FIXTURE), "--baseline", str(bad))
    assert res.code == 2
    assert "--baseline" in res.err and "not a readable SARIF file" in res.err


# ------------------------------------------------------------------ config discovery
@pytest.mark.parametrize(
    ("name", "text"),
    [
        (".mlscan.yaml", "disable: [MLS-MLF-003]\nfail_on: critical\n"),
        (".mlscan.yml", "disable: [MLS-MLF-003]\nfail_on: critical\n"),
        (
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.mlscan]\ndisable = ["MLS-MLF-003"]\n'
            'fail_on = "critical"\n',
        ),
    ],
)
def test_configuration_is_discovered_at_the_scan_root(tmp_path: Path, name: str, text: str) -> None:
    root = tmp_path / "project"
    shutil.copytree(FIXTURE, root)
    (root / name).write_text(text, encoding="utf-8")
    cfg = load_config(None, root=root)
    assert cfg.path == str(root / name)
    assert cfg.disable == ("MLS-MLF-003",) and cfg.fail_on == "critical"
    res = run_cli("scan", str(root), "--format", "json")
    ids = {f["control"] for f in json.loads(res.out)["findings"]}
    assert "MLS-MLF-003" not in ids and "MLS-MLF-001" in ids
    assert res.code == 1  # critical findings: MLS-MLF-001


def test_pyproject_without_a_tool_table_is_not_a_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(None, root=tmp_path).path is None


# ---------------------------------------------------------------------- mlscan init
def test_init_writes_a_starter_that_loads_and_detects_the_project(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLES / "credit-fraud-platform" / "hardened", root)
    (root / ".mlscan.yaml").unlink()
    res = run_cli("init", str(root))
    assert res.code == 0, res.err
    assert res.out.strip() == f"wrote {root / '.mlscan.yaml'}"
    text = (root / ".mlscan.yaml").read_text(encoding="utf-8")
    assert (
        "# Found in this project: DVC, MLflow, Terraform, model servers, model files, signatures."
        in text
    )
    assert "# Deployments: mlscan reads Helm values" in text
    cfg = load_config(root / ".mlscan.yaml")
    assert cfg.signing.required == ("models/**",)
    assert cfg.signing.trusted_keys == ("keys/model-signing.pub",)
    assert [(a.name, a.match) for a in cfg.assets] == [
        ("credit", ("models/credit/**", "models/credit.*")),
        ("fraud", ("models/fraud/**", "models/fraud.*")),
    ]
    assert cfg.iac.include_all_checkov is False
    # The starter is a valid configuration for a scan.
    assert run_cli("scan", str(root), "--fail-on", "never").code == 0


def test_init_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    (tmp_path / ".mlscan.yml").write_text("fail_on: low\n", encoding="utf-8")
    res = run_cli("init", str(tmp_path))
    assert res.code == 2
    assert res.err.strip() == (
        f"mlscan: error: {tmp_path / '.mlscan.yml'} already exists; edit it, or rerun with "
        "--force to replace it"
    )
    assert (tmp_path / ".mlscan.yml").read_text() == "fail_on: low\n"
    forced = run_cli("init", str(tmp_path), "--force")
    assert forced.code == 0
    cfg = load_config(tmp_path / ".mlscan.yml")
    assert cfg.fail_on == "medium" and cfg.signing.required == () and cfg.assets == ()


def test_init_in_an_empty_folder_and_the_current_directory(tmp_path: Path) -> None:
    res = run_cli("init", cwd=tmp_path)
    assert res.code == 0, res.err
    text = (tmp_path / ".mlscan.yaml").read_text(encoding="utf-8")
    assert "nothing mlscan knows yet" in text
    assert load_config(tmp_path / ".mlscan.yaml").exclude == ("vendor/**",)


def test_init_names_what_the_scanner_finds_and_its_starter_scans_without_notes(
    tmp_path: Path,
) -> None:
    """A new repository with only a compose file that runs an MLflow server: the starter
    says MLflow (found by the scanner, not by a file-name list), and scanning with the
    starter raises no notification (its suppression example is a valid suppression)."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "docker-compose.yml").write_text(
        "services:\n  tracking:\n    image: ghcr.io/mlflow/mlflow:v3.1.0\n"
        "    command: mlflow server --host 0.0.0.0\n",
        encoding="utf-8",
    )
    git(tmp_path, "init", "-q")
    res = run_cli("init", cwd=tmp_path)
    assert res.code == 0, res.err
    text = (tmp_path / ".mlscan.yaml").read_text(encoding="utf-8")
    assert "# Found in this project: MLflow.\n" in text
    scan = run_cli("scan", ".", "--format", "json", "--fail-on", "never", cwd=tmp_path)
    assert scan.code == 0, scan.err
    out = json.loads(scan.out)
    assert out["notifications"] == []
    assert [(f["control"], f["location"]["path"], f["location"]["start_line"])
            for f in out["findings"]] == [("MLS-MLF-001", "deploy/docker-compose.yml", 4)]


def test_init_requires_signatures_for_the_models_the_scanner_finds_by_content(
    tmp_path: Path,
) -> None:
    """A pickle with a `.dat` name is a model to the scanner (found by content); the
    starter's signing.required and assets cover it like a `.pkl`."""
    import pickle

    (tmp_path / "checkpoints").mkdir()
    (tmp_path / "checkpoints" / "net.dat").write_bytes(pickle.dumps({"w": [1, 2]}, protocol=4))
    res = run_cli("init", str(tmp_path))
    assert res.code == 0, res.err
    text = (tmp_path / ".mlscan.yaml").read_text(encoding="utf-8")
    assert "# Found in this project: model files.\n" in text
    cfg = load_config(tmp_path / ".mlscan.yaml")
    assert cfg.signing.required == ("checkpoints/**",)
    assert [(a.name, a.match) for a in cfg.assets] == [
        ("net", ("checkpoints/net/**", "checkpoints/net.*"))
    ]


def test_init_counts_a_bentofile_as_a_model_server(tmp_path: Path) -> None:
    (tmp_path / "bentofile.yaml").write_text(
        'service: "svc:svc"\npython:\n  packages:\n    - lightgbm\n', encoding="utf-8"
    )
    assert profile(tmp_path).model_servers
