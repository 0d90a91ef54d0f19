"""The IaC controls on the example projects: the insecure trees produce the expected
bucket, SageMaker and serving findings at their lines and severities; the hardened trees
produce no IaC finding at all. (tests/unit/test_examples_oracle.py holds every control to
the READMEs' exact rows; this file adds severities, messages and the asset links.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCENARIOS = ("sentiment-api", "credit-fraud-platform", "registry-hardening")
MINE = ("MLS-BKT-", "MLS-IAC-", "MLS-SRV-")


def _scan(scenario: str, variant: str) -> ScanResult:
    root = EXAMPLES / scenario / variant
    if not root.is_dir():
        pytest.fail(f"example {root} is missing")
    return run(ScanOptions(paths=(str(root),)))


@pytest.fixture(scope="module")
def insecure() -> dict[str, set[tuple[str, str, int | None, str]]]:
    out = {}
    for scenario in SCENARIOS:
        result = _scan(scenario, "insecure")
        out[scenario] = {
            (f.control.id, f.location.path, f.location.start_line, f.severity)
            for f in result.findings
            if f.control.id.startswith(MINE)
        }
    return out


def test_sentiment_api_insecure(insecure: dict[str, set[tuple[str, str, int | None, str]]]
                                ) -> None:
    assert {
        # public model-bucket policy (jsonencode statement line)
        ("MLS-BKT-001", "infra/main.tf", 24, "critical"),
        # MLflow artifact bucket without versioning
        ("MLS-BKT-004", "infra/main.tf", 20, "high"),
        # over-broad training-data policy (standalone JSON)
        ("MLS-BKT-001", "policies/training-data-bucket.json", 7, "high"),
        ("MLS-BKT-002", "policies/training-data-bucket.json", 8, "high"),
        # exposed, unauthenticated model server
        ("MLS-SRV-001", "k8s/serving.yaml", 35, "high"),
        ("MLS-SRV-003", "k8s/serving.yaml", 20, "medium"),
        ("MLS-SRV-004", "k8s/serving.yaml", 27, "medium"),
        # training role with s3:* on *
        ("MLS-IAC-003", "infra/iam.tf", 1, "high"),
    } <= insecure["sentiment-api"]


def test_credit_fraud_platform_insecure(
    insecure: dict[str, set[tuple[str, str, int | None, str]]],
) -> None:
    assert {
        # SageMaker notebook: root access and (default) direct internet access
        ("MLS-IAC-001", "infra/credit_scoring.tf", 1, "high"),
        ("MLS-IAC-002", "infra/credit_scoring.tf", 1, "medium"),
        # endpoints without KMS, data capture without KMS
        ("MLS-IAC-002", "infra/credit_scoring.tf", 21, "medium"),
        ("MLS-IAC-002", "infra/fraud_detection.tf", 18, "medium"),
        # captured inference payloads without KMS
        ("MLS-BKT-007", "infra/fraud_detection.tf", 1, "medium"),
        # public-read ACL on the model bucket, no versioning
        ("MLS-BKT-001", "infra/shared.tf", 36, "critical"),
        ("MLS-BKT-004", "infra/shared.tf", 36, "high"),
        # account-root s3:* on the training data (standalone JSON)
        ("MLS-BKT-002", "policies/training-data-bucket.json", 8, "high"),
        ("MLS-IAC-003", "infra/shared.tf", 45, "high"),
    } <= insecure["credit-fraud-platform"]


def test_registry_hardening_insecure(
    insecure: dict[str, set[tuple[str, str, int | None, str]]],
) -> None:
    assert {
        ("MLS-BKT-001", "infra/artifacts.tf", 27, "critical"),
        ("MLS-BKT-001", "policies/mlflow-artifacts-bucket.json", 7, "critical"),
        ("MLS-BKT-002", "policies/mlflow-artifacts-bucket.json", 15, "high"),
        ("MLS-BKT-004", "infra/artifacts.tf", 15, "high"),
        ("MLS-BKT-005", "infra/artifacts.tf", 15, "low"),
    } <= insecure["registry-hardening"]


def test_messages_name_the_linked_tools() -> None:
    result = _scan("registry-hardening", "insecure")
    msgs = {(f.control.id, f.location.path, f.location.start_line): f.message
            for f in result.findings}
    assert msgs[("MLS-BKT-001", "infra/artifacts.tf", 27)].startswith(
        "bucket acme-mlflow-artifacts (DVC remote 'registry', MLflow artifact root) allows "
        "s3:getobject to any principal"
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_hardened_has_no_iac_finding(scenario: str) -> None:
    result = _scan(scenario, "hardened")
    mine = [
        (f.control.id, f.location.path, f.location.start_line, f.message)
        for f in result.findings
        if f.control.id.startswith(MINE)
    ]
    assert mine == []
