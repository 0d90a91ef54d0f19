"""The reporters on a real scan: collectors, embedded engine and findings shaping."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlscan.reporters import render
from mlscan.scan import ScanOptions, load_baseline, run
from tests.reporters.sarif_schema import validate

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mlflow" / "insecure"

EXPECTED = [
    ("basic_auth.ini", 2, "MLS-MLF-003"),
    ("basic_auth.ini", 5, "MLS-MLF-002"),
    ("deploy/docker-compose.yml", 5, "MLS-MLF-004"),
    ("deploy/docker-compose.yml", 7, "MLS-MLF-006"),
    ("deploy/docker-compose.yml", 10, "MLS-MLF-001"),
    ("deploy/docker-compose.yml", 12, "MLS-MLF-004"),
    ("deploy/docker-compose.yml", 14, "MLS-MLF-005"),
    ("k8s/mlflow.yaml", 13, "MLS-MLF-001"),
    ("k8s/mlflow.yaml", 14, "MLS-MLF-005"),
    ("k8s/mlflow.yaml", 17, "MLS-MLF-004"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scan") / "ml project é"
    shutil.copytree(FIXTURE, root)
    return root


def test_sarif_of_a_real_scan_is_valid_stable_and_round_trips_as_a_baseline(
    project: Path, tmp_path: Path
) -> None:
    result = run(ScanOptions(paths=(str(project),)))
    text = render("sarif", result)
    assert render("sarif", run(ScanOptions(paths=(str(project),)))) == text
    log = json.loads(text)
    validate(log)
    (sarif_run,) = log["runs"]
    assert sarif_run["originalUriBaseIds"]["SRCROOT"]["uri"] == (project.as_uri() + "/")
    assert "%20" in sarif_run["originalUriBaseIds"]["SRCROOT"]["uri"]
    got = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["ruleId"],
        )
        for r in sarif_run["results"]
    ]
    assert got == EXPECTED
    rule_ids = [rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted(c.id for c in result.controls)
    for r in sarif_run["results"]:
        assert rule_ids[r["ruleIndex"]] == r["ruleId"]

    baseline = tmp_path / "baseline.sarif"
    baseline.write_text(text, encoding="utf-8")
    assert load_baseline(str(baseline)) == {f.fingerprint for f in result.findings}


def test_json_text_and_github_of_a_real_scan(project: Path) -> None:
    result = run(ScanOptions(paths=(str(project),)))
    doc = json.loads(render("json", result))
    assert [
        (f["location"]["path"], f["location"]["start_line"], f["control"]) for f in doc["findings"]
    ] == EXPECTED
    assert doc["summary"]["by_severity"] == {"critical": 3, "high": 7, "medium": 0, "low": 0}
    assert render("json", run(ScanOptions(paths=(str(project),)))) == render("json", result)

    text_lines = render("text", result).splitlines()
    assert text_lines[0] == "basic_auth.ini"
    assert text_lines[1].startswith("  L2:1  HIGH  MLS-MLF-003  ")

    annotations = render("github", result).splitlines()
    assert len(annotations) == len(EXPECTED)
    assert annotations[4].startswith("::error file=deploy/docker-compose.yml,line=10,col=7,")
