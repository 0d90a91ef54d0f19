"""The IaC families through the real CLI (`python -m mlscan facts`)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import run_cli

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "iac" / "project"


def test_facts_command_prints_the_iac_families() -> None:
    res = run_cli("facts", str(FIX))
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert {"iac", "bucket_policies", "serving", "assets"} <= set(doc)
    public = [
        (s["loc"]["path"], s["loc"]["line"])
        for s in doc["bucket_policies"]["statements"]
        if s["principal_is_wildcard"] and not s["restricting_condition_keys"]
        and s["effect"] == "Allow"
    ]
    assert public == [
        ("cloudformation/stack.yaml", 17),
        ("policies/training-data-policy.json", 11),
        ("terraform/storage.tf", 14),
    ]
    assert "not-a-real-secret-value" not in res.out


def test_helm_charts_are_reported_as_not_scanned(tmp_path: Path) -> None:
    chart = tmp_path / "charts" / "scorer"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: scorer\nversion: 0.1.0\n")
    (chart / "templates" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n"
        "spec:\n  type: {{ .Values.type }}\n"
    )
    res = run_cli("facts", str(tmp_path))
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert doc["serving"]["services"] == []
    notes = [(n["path"], n["kind"]) for n in doc.get("notifications", [])]
    assert ("charts/scorer/Chart.yaml", "skipped") in notes


def test_scan_command_reports_iac_findings_and_fails(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    res = run_cli("scan", str(FIX), "--format", "json", "--output", str(out),
                  "--fail-on", "critical")
    assert res.code == 1, res.err
    doc = json.loads(out.read_text())
    got = {(f["control"], f["location"]["path"], f["location"]["start_line"])
           for f in doc["findings"]}
    assert {
        ("MLS-BKT-001", "terraform/storage.tf", 9),
        ("MLS-BKT-002", "policies/training-data-policy.json", 8),
        ("MLS-BKT-004", "terraform/storage.tf", 2),
        ("MLS-IAC-001", "terraform/sagemaker.tf", 28),
        ("MLS-IAC-003", "terraform/sagemaker.tf", 1),
        ("MLS-SRV-001", "k8s/serving.yaml", 34),
        ("MLS-SRV-003", "k8s/serving.yaml", 18),
        ("MLS-SRV-004", "k8s/serving.yaml", 24),
    } <= got
    bkt = next(f for f in doc["findings"] if f["control"] == "MLS-BKT-001"
               and f["location"]["start_line"] == 9)
    assert bkt["severity"] == "critical"
    assert bkt["stride"] == ["tampering", "information-disclosure"]
    assert bkt["asset"] == "acme-models"


def test_suppression_comment_in_terraform(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        "# mlscan:ignore[MLS-BKT-004] reason=\"scratch bucket, rebuilt nightly\"\n"
        'resource "aws_s3_bucket" "scratch_models" {\n'
        '  bucket = "acme-scratch-models"\n'
        "}\n"
    )
    res = run_cli("scan", str(tmp_path), "--format", "json", "--fail-on", "high")
    doc = json.loads(res.out)
    versioning = [f for f in doc["findings"] if f["control"] == "MLS-BKT-004"]
    assert [(f["location"]["start_line"], f["suppressed"]) for f in versioning] == [(2, True)]
    assert res.code == 0, res.err
