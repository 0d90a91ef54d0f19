"""Verdict tables in rego/lib are data a --policy folder replaces without editing the
package: the decision-domain and protected-attribute words (privacy) and the impacts that
need an adversarial evaluation (robustness).
(The checkov map: tests/collectors/test_checkov_policy_map.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlscan.controls import load_policy_set
from mlscan.engine.embedded import EmbeddedEngine
from mlscan.findings import to_violations


def _violations(doc: dict[str, Any], policy: Path | None = None) -> list[tuple[str, str, int]]:
    policies = load_policy_set([policy] if policy else [])
    found = to_violations(EmbeddedEngine(policies).evaluate(doc), policies)
    return sorted((v.control_id, v.location.path, v.location.start_line or 0) for v in found)


def _loc(path: str, line: int) -> dict[str, Any]:
    return {"path": path, "line": line, "col": 1, "end_line": line, "end_col": 5}


CHURN = {"privacy": {"models": [{
    "path": "models/churn", "inputs": ["age", "tenure"], "asset": None, "impact": None,
    "source": "mlmodel", "names": ["models/churn"],
    "features": [{"name": "age", "tokens": ["age"], "personal": None},
                 {"name": "tenure", "tokens": ["tenure"], "personal": None}],
    "loc": _loc("models/churn/MLmodel", 4),
}]}}

ROBUSTNESS = {"robustness": {
    "assets_configured": True, "anchor": _loc("dvc.yaml", 1), "evidence": [], "serving": [],
    "models": [{"path": "models/churn", "kind": "dir", "format": "mlflow", "asset": "churn",
                "impact": "medium", "loc": _loc("models/churn", 0)}],
}}


def test_user_decision_words(tmp_path: Path) -> None:
    assert _violations(CHURN) == []
    (tmp_path / "words.rego").write_text(
        "package mlscan.user.privacy\n\nimport rego.v1\n\n"
        "decision_words := `(?i)churn|credit`\n",
        encoding="utf-8",
    )
    assert _violations(CHURN, tmp_path) == [("MLS-PRV-005", "models/churn/MLmodel", 4)]


def test_user_protected_words(tmp_path: Path) -> None:
    (tmp_path / "words.rego").write_text(
        "package mlscan.user.privacy\n\nimport rego.v1\n\n"
        "decision_words := `(?i)churn`\n\n"
        'protected_words := {"tenure": "seniority"}\n',
        encoding="utf-8",
    )
    found = to_violations(
        EmbeddedEngine(load_policy_set([tmp_path])).evaluate(CHURN), load_policy_set([tmp_path])
    )
    assert [(v.control_id, v.evidence["protected_inputs"]) for v in found] == [
        ("MLS-PRV-005", ["tenure (seniority)"])
    ]


def test_user_impacts_for_adversarial_evaluation(tmp_path: Path) -> None:
    assert _violations(ROBUSTNESS) == []
    (tmp_path / "impacts.rego").write_text(
        "package mlscan.user.robustness\n\nimport rego.v1\n\n"
        'impacts := {"critical", "high", "medium"}\n',
        encoding="utf-8",
    )
    assert _violations(ROBUSTNESS, tmp_path) == [("MLS-ROB-001", "dvc.yaml", 1)]
