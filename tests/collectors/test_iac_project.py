"""The IaC collectors and their controls on a small multi-format project (real checkov).

tests/fixtures/iac/project holds Terraform (inline and separate S3 resources, jsonencode,
heredoc and data-source policies, SageMaker, IAM, GCS, Azure), CloudFormation in YAML and
JSON (with intrinsic functions), Kubernetes serving manifests, standalone JSON policies,
a DVC config, and two broken files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlscan.controls import load_policy_set
from mlscan.engine.embedded import EmbeddedEngine
from mlscan.models import ScanResult
from mlscan.scan import FactsResult, ScanOptions, collect_facts, run
from tests.helpers import rego_bucket

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "iac" / "project"
MINE = ("MLS-BKT-", "MLS-IAC-", "MLS-SRV-")


@pytest.fixture(scope="module")
def facts() -> FactsResult:
    return collect_facts((str(FIX),))


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return run(ScanOptions(paths=(str(FIX),)))


def _findings(result: ScanResult) -> list[tuple[str, str, int | None, str]]:
    return [
        (f.control.id, f.location.path, f.location.start_line, f.severity)
        for f in result.findings
        if f.control.id.startswith(MINE)
    ]


def test_findings_at_their_lines(result: ScanResult) -> None:
    # IaC findings point at the resource (or data document) that holds the problem, with
    # the statement line in `related`; standalone JSON findings at the offending key.
    assert _findings(result) == [
        ("MLS-BKT-006", "cloudformation/bucket.json", 4, "medium"),
        ("MLS-BKT-007", "cloudformation/bucket.json", 4, "medium"),
        ("MLS-BKT-003", "cloudformation/bucket.json", 11, "medium"),
        ("MLS-BKT-004", "cloudformation/stack.yaml", 4, "high"),
        ("MLS-BKT-005", "cloudformation/stack.yaml", 4, "low"),
        ("MLS-BKT-006", "cloudformation/stack.yaml", 4, "medium"),
        ("MLS-BKT-007", "cloudformation/stack.yaml", 4, "medium"),
        ("MLS-BKT-001", "cloudformation/stack.yaml", 10, "critical"),
        ("MLS-BKT-002", "cloudformation/stack.yaml", 10, "high"),
        ("MLS-BKT-003", "cloudformation/stack.yaml", 10, "medium"),
        ("MLS-IAC-001", "cloudformation/stack.yaml", 31, "high"),
        ("MLS-SRV-003", "k8s/serving.yaml", 18, "medium"),
        ("MLS-SRV-004", "k8s/serving.yaml", 24, "medium"),
        ("MLS-SRV-001", "k8s/serving.yaml", 34, "high"),
        ("MLS-SRV-002", "k8s/serving.yaml", 34, "medium"),
        ("MLS-SRV-001", "k8s/serving.yaml", 41, "high"),
        ("MLS-SRV-002", "k8s/serving.yaml", 41, "medium"),
        ("MLS-BKT-003", "policies/training-data-policy.json", 3, "medium"),
        ("MLS-BKT-002", "policies/training-data-policy.json", 8, "high"),
        ("MLS-BKT-001", "policies/training-data-policy.json", 14, "high"),
        ("MLS-BKT-002", "policies/training-data-policy.json", 15, "high"),
        ("MLS-IAC-003", "terraform/sagemaker.tf", 1, "high"),
        ("MLS-IAC-001", "terraform/sagemaker.tf", 28, "high"),
        ("MLS-IAC-001", "terraform/sagemaker.tf", 28, "high"),
        ("MLS-IAC-002", "terraform/sagemaker.tf", 28, "medium"),
        ("MLS-IAC-002", "terraform/sagemaker.tf", 34, "medium"),
        ("MLS-IAC-002", "terraform/sagemaker.tf", 34, "medium"),
        ("MLS-SRV-003", "terraform/sagemaker.tf", 51, "medium"),
        ("MLS-IAC-003", "terraform/sagemaker.tf", 60, "high"),
        ("MLS-BKT-004", "terraform/storage.tf", 2, "high"),
        ("MLS-BKT-005", "terraform/storage.tf", 2, "low"),
        ("MLS-BKT-006", "terraform/storage.tf", 2, "medium"),
        ("MLS-BKT-007", "terraform/storage.tf", 2, "medium"),
        ("MLS-BKT-001", "terraform/storage.tf", 9, "critical"),
        ("MLS-BKT-003", "terraform/storage.tf", 9, "medium"),
        ("MLS-BKT-001", "terraform/storage.tf", 98, "critical"),
        ("MLS-BKT-001", "terraform/storage.tf", 104, "critical"),
        ("MLS-BKT-001", "terraform/storage.tf", 110, "high"),
    ]


def test_messages_name_the_asset_links(result: ScanResult) -> None:
    by_loc = {(f.control.id, f.location.path, f.location.start_line): f.message
              for f in result.findings}
    assert by_loc[("MLS-BKT-001", "terraform/storage.tf", 9)] == (
        "bucket acme-models (DVC remote 'models', serving model URI, SageMaker model data) "
        "allows s3:getobject to any principal (statement 'PublicRead')"
    )
    assert by_loc[("MLS-BKT-004", "cloudformation/stack.yaml", 4)] == (
        "bucket acme-mlflow-artifacts (MLflow artifact root) has versioning off (Suspended)"
    )
    assert "provider default is Enabled" in by_loc[("MLS-IAC-001", "terraform/sagemaker.tf", 28)]
    assert by_loc[("MLS-BKT-001", "terraform/storage.tf", 110)] == (
        "bucket acme-gcs-datasets (training-data by name) is public: "
        "google_storage_bucket_iam_binding.datasets grants roles/storage.objectCreator to "
        "allAuthenticatedUsers"
    )


def test_stride_tags_come_from_control_metadata(result: ScanResult) -> None:
    stride = {f.control.id: f.control.stride for f in result.findings}
    assert stride["MLS-BKT-001"] == ("information-disclosure", "tampering")
    assert stride["MLS-BKT-004"] == ("tampering", "repudiation")
    assert stride["MLS-IAC-001"] == ("elevation-of-privilege", "information-disclosure")
    assert stride["MLS-SRV-001"] == ("spoofing", "elevation-of-privilege",
                                     "information-disclosure")
    assert stride["MLS-SRV-002"] == ("denial-of-service", "information-disclosure")


def test_bad_files_become_notifications_and_the_scan_continues(result: ScanResult) -> None:
    # the parse cache rejects them (one notification each) before checkov sees them
    notes = {(n.path, n.line, n.source) for n in result.notifications
             if n.source in ("iac", "parse")}
    assert notes == {
        ("policies/broken-policy.json", 5, "parse"),
        ("terraform/broken.tf", 3, "parse"),
    }
    # the other file in the same Terraform folder was still scanned
    assert any(f.location.path == "terraform/storage.tf" for f in result.findings)


def test_statements_carry_their_own_lines(facts: FactsResult) -> None:
    got = [
        (s["loc"]["path"], s["loc"]["line"], s["policy_source"], s["effect"], s["bucket"],
         s["principal_is_wildcard"], s["restricting_condition_keys"])
        for s in facts.facts["bucket_policies"]["statements"]
    ]
    assert got == [
        ("cloudformation/bucket.json", 17, "cloudformation", "Allow", "acme-feature-data", True,
         ["aws:principalorgid"]),
        ("cloudformation/stack.yaml", 17, "cloudformation", "Allow", "acme-mlflow-artifacts",
         True, []),
        ("cloudformation/stack.yaml", 23, "cloudformation", "Allow", "acme-mlflow-artifacts",
         False, []),
        ("policies/training-data-policy.json", 4, "json", "Allow", "acme-training-data", False,
         []),
        ("policies/training-data-policy.json", 11, "json", "Allow", "acme-training-data", True,
         []),
        ("terraform/storage.tf", 14, "terraform", "Allow", "acme-models", True, []),
        ("terraform/storage.tf", 21, "terraform", "Allow", "acme-models", True,
         ["aws:sourcevpce"]),
        ("terraform/storage.tf", 68, "terraform", "Deny", "acme-training-data", True, []),
    ]
    iam = facts.facts["iac"]["iam_statements"]
    assert [(s["loc"]["line"], s["policy"], s["actions"]) for s in iam] == [
        (17, "aws_iam_role.training.inline_policy[0]", ["s3:*"])
    ]


def test_buckets_from_inline_and_separate_resources(facts: FactsResult) -> None:
    buckets = {b["address"]: b for b in facts.facts["iac"]["buckets"]}
    training = buckets["aws_s3_bucket.training"]
    assert (training["name"], training["loc"]["line"]) == ("acme-training-data", 33)
    assert training["versioning"] == "Enabled"
    assert training["sse_algorithm"] == "aws:kms"
    assert training["kms_key_set"] is True
    assert training["logging"] is True
    assert training["public_access_block"] == {
        "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
        "restrict_public_buckets": True,
    }
    assert [s["resource"] for s in training["settings"]] == [
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_logging",
        "aws_s3_bucket_public_access_block",
    ]
    models = buckets["aws_s3_bucket.models"]
    assert (models["versioning"], models["versioning_enabled"], models["tags"]) == (
        None, False, {"purpose": "model-store"})
    artifacts = buckets["AWS::S3::Bucket.ArtifactBucket"]
    assert (artifacts["name"], artifacts["versioning"], artifacts["loc"]["line"]) == (
        "acme-mlflow-artifacts", "Suspended", 4)


def test_sagemaker_facts_record_provider_defaults(facts: FactsResult) -> None:
    nbs = {n["address"]: n for n in facts.facts["iac"]["sagemaker_notebooks"]}
    tf = nbs["aws_sagemaker_notebook_instance.research"]
    assert (tf["root_access"], tf["root_access_effective"]) == (None, "Enabled")
    assert (tf["direct_internet_access"], tf["direct_internet_access_effective"]) == (
        None, "Enabled")
    assert tf["role"] == "aws_iam_role.training"
    cfn = nbs["AWS::SageMaker::NotebookInstance.Notebook"]
    assert (cfn["root_access"], cfn["direct_internet_access"], cfn["kms_key_set"]) == (
        "Enabled", "Disabled", True)
    (endpoint,) = facts.facts["iac"]["sagemaker_endpoint_configs"]
    assert endpoint["data_capture"] == {
        "enabled": True, "kms_key_set": False, "destination": "s3://acme-training-data/capture",
        "destination_bucket": "acme-training-data", "capture_modes": ["Input"],
        "sampling_percentage": 100}
    roles = {r["address"]: r for r in facts.facts["iac"]["iam_roles"]}
    assert roles["aws_iam_role.training"]["trusted_services"] == ["sagemaker.amazonaws.com"]
    assert roles["aws_iam_role.training"]["used_by"] == [
        {"kind": "model", "address": "aws_sagemaker_model.scoring"},
        {"kind": "notebook", "address": "aws_sagemaker_notebook_instance.research"},
    ]


def _mapped_checks() -> list[str]:
    value = EmbeddedEngine(load_policy_set()).data("mlscan.lib.checkov_map.run_checks")
    assert isinstance(value, list)
    return [str(v) for v in value]


def test_checkov_results_are_facts(facts: FactsResult) -> None:
    results = facts.facts["iac"]["checkov_results"]
    # only the checks the policy maps ran (rego/lib/checkov_map.rego)
    assert {r["check_id"] for r in results} <= set(_mapped_checks())
    by_key = {(r["check_id"], r["resource"]): r for r in results}
    versioning = by_key[("CKV_AWS_21", "aws_s3_bucket.models")]
    assert versioning["result"] == "failed"
    assert "control" not in versioning  # the map is policy, not a fact
    assert versioning["loc"] == {"path": "terraform/storage.tf", "line": 2, "col": None,
                                 "end_line": 7, "end_col": None}
    assert versioning["native_fact"] is True
    # the known gap: checkov passes the notebook whose attribute is absent ...
    internet = by_key[("CKV_AWS_122", "aws_sagemaker_notebook_instance.research")]
    assert internet["result"] == "passed"
    # ... and the k8s checks point at the Deployment
    image = by_key[("CKV_K8S_14", "Deployment.ml.credit-scoring")]
    assert (image["result"], image["loc"]["path"], image["loc"]["line"]) == (
        "failed", "k8s/serving.yaml", 1)
    assert facts.facts["iac"]["checkov"]["frameworks"] == [
        "cloudformation", "kubernetes", "terraform"]


def test_checkov_evidence_is_attached(result: ScanResult) -> None:
    f = next(f for f in result.findings
             if f.control.id == "MLS-BKT-004" and f.location.path == "terraform/storage.tf")
    assert f.evidence["checkov"] == ["CKV_AWS_21"]


def test_asset_graph_links_buckets_to_their_users(facts: FactsResult) -> None:
    assets = {b["name"]: b for b in facts.facts["assets"]["buckets"]}
    models = assets["acme-models"]
    assert models["roles"] == ["model-store", "training-data"]  # from use only
    assert rego_bucket(facts.facts, "acme-models")["roles"] == ["model-store"]  # remote "models"
    assert models["addresses"] == ["aws_s3_bucket.models"]
    assert [(lk["kind"], lk["loc"]["path"], lk["loc"]["line"]) for lk in models["links"]] == [
        ("dvc-remote", ".dvc/config", 6),
        ("model-uri", "k8s/serving.yaml", 22),
        ("sagemaker-model-data", "terraform/sagemaker.tf", 51),
    ]
    assert assets["acme-mlflow-artifacts"]["roles"] == ["registry-artifacts"]
    assert assets["acme-mlflow-artifacts"]["links"][0]["loc"]["line"] == 22  # the flag
    assert assets["acme-training-data"]["roles"] == ["training-data", "inference-data"]
    assert assets["acme-feature-data"]["role_sources"] == []
    feature = rego_bucket(facts.facts, "acme-feature-data")
    assert (feature["roles"], feature["role_sources"]) == (["training-data"], ["name"])


def test_serving_facts(facts: FactsResult) -> None:
    serving = facts.facts["serving"]
    (svc,) = serving["services"]
    assert (svc["type"], svc["type_loc"]["line"], svc["selects"]) == (
        "LoadBalancer", 34, ["Deployment.ml.credit-scoring"])
    (ing,) = serving["ingresses"]
    assert (ing["backends"], ing["tls"], ing["loc"]["line"]) == (["credit-scoring"], False, 41)
    scorer = next(w for w in serving["workloads"] if w["name"] == "credit-scoring")
    assert scorer["serving_hints"] == ["command:serve", "env:MODEL_URI", "name:credit-scoring"]
    (container,) = scorer["containers"]
    assert (container["tag"], container["pinned_by_digest"]) == ("latest", False)
    env = {e["name"]: e for e in container["env"]}
    assert env["MLFLOW_TRACKING_URI"]["value"] == "http://mlflow.ml.svc:5000"
    assert env["AWS_SECRET_ACCESS_KEY"]["value"] is None
    assert env["AWS_SECRET_ACCESS_KEY"]["value_set"] is True


def test_no_secret_value_in_facts(facts: FactsResult) -> None:
    assert "not-a-real-secret-value" not in json.dumps(facts.facts)


def test_facts_are_deterministic(facts: FactsResult) -> None:
    again = collect_facts((str(FIX),))
    mine = ("iac", "bucket_policies", "serving", "assets")

    def dump(doc: dict[str, Any]) -> str:
        return json.dumps({k: doc[k] for k in mine}, sort_keys=True)

    assert dump(again.facts) == dump(facts.facts)


def test_command_arguments_are_redacted() -> None:
    from mlscan.collectors.serving.k8s import redact_args

    assert redact_args([
        "mlflow", "server", "--backend-store-uri", "postgresql://mlflow:FAKEPW@db/mlflow",
        "--db-password", "FAKEPW2", "--api-token=FAKEPW3", "HF_TOKEN=FAKEPW4",
        "--host=0.0.0.0",
    ]) == [
        "mlflow", "server", "--backend-store-uri", "postgresql://mlflow:***@db/mlflow",
        "--db-password", "***", "--api-token=***", "HF_TOKEN=***", "--host=0.0.0.0",
    ]


def test_invalid_kubernetes_yaml_is_one_notification(tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: scorer\nspec: [unclosed\n"
    )
    (tmp_path / "ok.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: model-api\nspec:\n"
        "  type: NodePort\n"
    )
    result = run(ScanOptions(paths=(str(tmp_path),)))
    assert [(n.path, n.line, n.kind) for n in result.notifications] == [
        ("svc.yaml", 6, "parse-error")
    ]
    assert [(f.control.id, f.location.path, f.location.start_line) for f in result.findings] == [
        ("MLS-SRV-001", "ok.yaml", 6),
        ("MLS-SRV-002", "ok.yaml", 6),
    ]


def test_iac_findings_relate_the_statement_line(result: ScanResult) -> None:
    f = next(f for f in result.findings if f.control.id == "MLS-BKT-001"
             and f.location.path == "terraform/storage.tf" and f.location.start_line == 9)
    assert [(loc.path, loc.start_line) for loc in f.related] == [("terraform/storage.tf", 14)]
    iam = next(f for f in result.findings if f.control.id == "MLS-IAC-003")
    assert [(loc.path, loc.start_line) for loc in iam.related] == [
        ("terraform/sagemaker.tf", 17), ("terraform/sagemaker.tf", 1)]


def test_managed_policy_attachments(facts: FactsResult, result: ScanResult) -> None:
    assert facts.facts["iac"]["iam_managed_policies"] == [{
        "role": "aws_iam_role.training",
        "policy_arn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
        "policy_name": "AmazonSageMakerFullAccess",
        "aws_managed": True,
        "address": "aws_iam_role_policy_attachment.training_full",
        "loc": {"path": "terraform/sagemaker.tf", "line": 60, "col": None, "end_line": 63,
                "end_col": None},
    }]
    f = next(f for f in result.findings
             if f.control.id == "MLS-IAC-003" and f.location.start_line == 60)
    assert "AmazonSageMakerFullAccess" in f.message
