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
