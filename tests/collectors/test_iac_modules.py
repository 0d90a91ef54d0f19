"""Terraform as real repositories write it (issue: modules across files, variables,
companion resources, buckets classified by what uses them).

Each folder under tests/fixtures/iac/modules is one small project scanned on its own; the
tests assert every finding (control, path, line, severity) and so also the absence of the
false positives that reading file by file gave.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from mlscan.models import ScanResult
from mlscan.scan import FactsResult, ScanOptions, collect_facts, run
from tests.helpers import rego_bucket

MODULES = Path(__file__).resolve().parents[1] / "fixtures" / "iac" / "modules"


@cache
def _scan(name: str) -> ScanResult:
    return run(ScanOptions(paths=(str(MODULES / name),)))


@cache
def _facts(name: str) -> FactsResult:
    return collect_facts((str(MODULES / name),))


def _found(name: str) -> list[tuple[str, str, int | None, str]]:
    return sorted(
        (f.control.id, f.location.path, f.location.start_line, f.severity)
        for f in _scan(name).findings
    )


def _bucket(name: str, address: str) -> dict[str, Any]:
    buckets: list[dict[str, Any]] = _facts(name).facts["iac"]["buckets"]
    return next(b for b in buckets if b["address"] == address)


def test_module_split_across_files_attaches_every_companion() -> None:
    """Versioning, KMS encryption, public-access block, TLS policy, logging and object lock
    each live in their own file: the bucket is clean and nothing fires."""
    assert _found("split_module") == []
    b = _bucket("split_module", "aws_s3_bucket.fraud_models")
    assert (b["versioning_enabled"], b["kms_key"], b["sse_algorithm"], b["logging"],
            b["object_lock"]) == (True, "set", "aws:kms", True, True)
    assert b["public_access_block"] == dict.fromkeys(
        ("block_public_acls", "block_public_policy", "ignore_public_acls",
         "restrict_public_buckets"), True)
    assert sorted(s["loc"]["path"] for s in b["settings"]) == [
        "encryption.tf", "logging.tf", "logging.tf", "public_access.tf", "versioning.tf"]
    (policy,) = _facts("split_module").facts["bucket_policies"]["policies"]
    assert (policy["bucket"], policy["loc"]["path"]) == ("acme-fraud-models", "policy.tf")


def test_null_default_key_is_unknown_and_tfvars_override_defaults() -> None:
    assert _found("null_defaults") == [
        ("MLS-BKT-003", "main.tf", 1, "medium"),  # data buckets without any bucket policy
        ("MLS-BKT-003", "main.tf", 22, "medium"),
        ("MLS-BKT-006", "main.tf", 1, "medium"),
        ("MLS-BKT-006", "main.tf", 22, "medium"),
        ("MLS-BKT-007", "main.tf", 1, "medium"),  # AES256 from var.sse_algorithm's default
        ("MLS-BKT-007", "main.tf", 22, "low"),  # the algorithm itself depends on the null key
    ]
    training = _bucket("null_defaults", "aws_s3_bucket.training")
    # the name and the versioning status come from terraform.tfvars, not the defaults
    assert (training["name"], training["versioning"]) == ("acme-training-data", "Enabled")
    values = {v["attribute"]: v for v in training["values"]}
    assert values["bucket"]["state"] == "known"
    assert {o["type"]: o["path"] for o in values["bucket"]["origins"]} == {
        "tfvar": "terraform.tfvars", "variable": "variables.tf"}
    assert (values["kms_master_key_id"]["state"], values["kms_master_key_id"]["expression"]) == (
        "unknown", "var.kms_key_arn")
    assert values["kms_master_key_id"]["reason"] == (
        "var.kms_key_arn defaults to null and no tfvars file sets it")
    assert training["kms_key"] == "unknown" and training["kms_key_set"] is False
    features = _bucket("null_defaults", "aws_s3_bucket.features")
    assert (features["sse_algorithm"], features["kms_key"]) == (None, "unknown")
    low = next(f for f in _scan("null_defaults").findings
               if f.control.id == "MLS-BKT-007" and f.severity == "low")
    assert 'sse_algorithm = var.kms_key_arn == null ? "AES256" : "aws:kms"' in low.message
    assert "var.kms_key_arn defaults to null" in low.message


def test_local_module_call_names_the_bucket() -> None:
    assert _found("local_module") == [
        ("MLS-BKT-003", "modules/artifact_store/main.tf", 5, "medium"),  # no bucket policy
        ("MLS-BKT-004", "modules/artifact_store/main.tf", 5, "high"),
        ("MLS-BKT-005", "modules/artifact_store/main.tf", 5, "low"),
        ("MLS-BKT-006", "modules/artifact_store/main.tf", 5, "medium"),
        ("MLS-BKT-007", "modules/artifact_store/main.tf", 5, "medium"),
    ]
    b = _bucket("local_module", "aws_s3_bucket.this")
    assert (b["name"], b["versioning"]) == ("acme-churn-models", "Suspended")
    (origin,) = next(v for v in b["values"] if v["attribute"] == "bucket")["origins"]
    assert origin == {"type": "module_input", "name": "module.artifact_store.bucket_name",
                      "path": "main.tf", "line": 1}
    versioning = next(f for f in _scan("local_module").findings if f.control.id == "MLS-BKT-004")
    assert "acme-churn-models (SageMaker model data)" in versioning.message


def test_backend_state_bucket_is_never_a_model_store() -> None:
    """Its tags mention mlflow; it is the Terraform state bucket: no object-lock, logging or
    KMS findings for a model store, only versioning at low severity (no ML role)."""
    assert _found("backend_state") == [("MLS-BKT-004", "bootstrap.tf", 2, "low")]
    (backend,) = _facts("backend_state").facts["iac"]["backends"]
    assert (backend["type"], backend["bucket"], backend["loc"]["line"]) == (
        "s3", "acme-mlflow-tfstate", 2)
    entry = rego_bucket(_facts("backend_state").facts, "acme-mlflow-tfstate")
    assert (entry["state_backend"], entry["roles"]) == (True, [])


def test_gcs_bucket_named_by_a_variable_is_the_dvc_remote() -> None:
    assert _found("gcs_dvc_remote") == [
        ("MLS-BKT-004", "infra/storage.tf", 1, "high"),
        ("MLS-BKT-005", "infra/storage.tf", 1, "low"),
        ("MLS-BKT-007", "infra/storage.tf", 1, "low"),  # Google-managed key by default
        ("MLS-IAC-003", "infra/storage.tf", 8, "high"),  # objectAdmin on the model store
        ("MLS-IAC-003", "infra/storage.tf", 29, "high"),  # the Cloud Run scorer may write
    ]
    (sa,) = _facts("gcs_dvc_remote").facts["iac"]["service_accounts"]
    assert sa["used_by"] == [{"kind": "cloud-run", "address": "google_cloud_run_v2_service.scorer"}]
    b = _bucket("gcs_dvc_remote", "google_storage_bucket.model_bucket")
    assert (b["name"], b["uniform_access"], b["public_access_prevention"]) == (
        "acme-vision-dvc", True, "enforced")
    entry = rego_bucket(_facts("gcs_dvc_remote").facts, "acme-vision-dvc")
    assert (entry["roles"], entry["role_sources"]) == (["model-store"], ["link"])
    assert entry["evidence"] == ["DVC remote 'models' at .dvc/config:4"]


def test_sagemaker_role_through_locals_is_linked_and_its_writes_reported() -> None:
    assert _found("sagemaker_locals") == [("MLS-IAC-003", "iam.tf", 13, "high")]
    (role,) = _facts("sagemaker_locals").facts["iac"]["iam_roles"]
    assert role["used_by"] == [{"kind": "model", "address": "aws_sagemaker_model.churn"}]
    (f,) = _scan("sagemaker_locals").findings
    assert "object write/delete on every bucket (Resource *)" in f.message


def test_network_exposure_of_mlflow() -> None:
    assert _found("network") == [
        ("MLS-BKT-003", "mlflow.tf", 74, "medium"),  # no bucket policy
        ("MLS-BKT-004", "mlflow.tf", 74, "high"),
        ("MLS-BKT-005", "mlflow.tf", 74, "low"),
        ("MLS-BKT-006", "mlflow.tf", 74, "medium"),
        ("MLS-BKT-007", "mlflow.tf", 74, "medium"),
        ("MLS-IAC-005", "mlflow.tf", 1, "high"),
        ("MLS-IAC-006", "mlflow.tf", 27, "medium"),
        ("MLS-IAC-007", "mlflow.tf", 38, "high"),
    ]
    (inst,) = _facts("network").facts["iac"]["instances"]
    assert (inst["role"], inst["http_tokens"]) == ("aws_iam_role.tracking", None)


def test_cloudformation_policy_in_another_template_of_the_stack_folder() -> None:
    """The BucketPolicy imports its bucket (Fn::ImportValue of the other template's export):
    it governs acme-recsys-models, the SageMaker model's artifact bucket, so the public read
    is critical; the bucket's own settings (versioning, lock, logging, KMS) are complete."""
    assert _found("cfn_stack") == [
        ("MLS-BKT-001", "access.yaml", 4, "critical"),
        ("MLS-BKT-003", "access.yaml", 4, "medium"),
    ]
    (policy,) = _facts("cfn_stack").facts["bucket_policies"]["policies"]
    assert (policy["bucket"], policy["bucket_address"]) == (
        "acme-recsys-models", "AWS::S3::Bucket.ModelBucket")


def test_irsa_role_of_a_model_server_service_account() -> None:
    """Linked through its web-identity trust; the external-dns role's identical write on *
    is not an ML role's and stays silent."""
    assert _found("irsa") == [("MLS-IAC-003", "main.tf", 22, "high")]
    roles = {r["address"]: r["service_accounts"]
             for r in _facts("irsa").facts["iac"]["iam_roles"]}
    assert roles == {"aws_iam_role.model_server": ["ranking/model-server"],
                     "aws_iam_role.dns": ["kube-system/external-dns"]}


def test_ci_pipeline_artifact_store_is_not_a_model_registry() -> None:
    """Named "...-artifacts" but used as CodePipeline's artifact store: no ML role, so only
    the low versioning finding of a bucket with no role (no logging, KMS, object lock)."""
    assert _found("ci_artifacts") == [("MLS-BKT-004", "pipeline.tf", 2, "low")]
    entry = rego_bucket(_facts("ci_artifacts").facts, "acme-ml-pipeline-artifacts")
    assert (entry["roles"], [s["address"] for s in entry["ci_artifact_stores"]]) == (
        [], ["aws_codepipeline.release"])


@pytest.mark.parametrize("name", sorted(p.name for p in MODULES.iterdir()))
def test_no_notifications(name: str) -> None:
    assert _scan(name).notifications == ()


def test_azure_ml_workspace_storage_is_a_model_store() -> None:
    """The workspace's storage account holds its models and artifacts: versioning off is
    reported there, not on the unrelated log account."""
    assert _found("azure_ml") == [
        ("MLS-BKT-004", "workspace.tf", 1, "high"),
        ("MLS-IAC-001", "workspace.tf", 17, "medium"),  # public network access by default
    ]
    (ws,) = _facts("azure_ml").facts["iac"]["ml_workspaces"]
    assert (ws["storage"], ws["public_network_access_enabled"]) == ("acmecreditml", None)
    entry = rego_bucket(_facts("azure_ml").facts, "acmecreditml")
    assert entry["evidence"] == [
        "Azure ML workspace storage (azurerm_machine_learning_workspace.credit) at workspace.tf:17"]


def test_object_lock_is_asked_only_of_declared_compliance_stores() -> None:
    """Object lock is a compliance choice: on a model bucket with no sign that it must be
    immutable it is a low hardening hint; the bucket tagged for retention gets it at medium."""
    assert _found("object_lock_scope") == [
        ("MLS-BKT-005", "storage.tf", 4, "low"),
        ("MLS-BKT-005", "storage.tf", 8, "medium"),
    ]
    entry = rego_bucket(_facts("object_lock_scope").facts, "acme-scorer-weights-archive")
    assert entry["roles"] == ["model-store"]


def test_ml_bucket_without_any_policy_lacks_the_tls_deny() -> None:
    """The MLflow artifact bucket comes from a local module and has no bucket policy at all:
    the non-TLS deny is missing where the bucket is declared. The state bucket's policy
    without a TLS statement and the docs bucket without a policy stay silent."""
    assert _found("no_tls_policy") == [
        ("MLS-BKT-003", "modules/bucket/main.tf", 10, "medium"),
        ("MLS-BKT-005", "modules/bucket/main.tf", 10, "low"),
        ("MLS-BKT-006", "modules/bucket/main.tf", 10, "medium"),
        ("MLS-BKT-007", "modules/bucket/main.tf", 10, "medium"),
    ]
    # the caller turns versioning on although the module's default is off: the conditional
    # is evaluated with the caller's value, not the default checkov rendered
    b = _bucket("no_tls_policy", "aws_s3_bucket.this")
    assert (b["name"], b["versioning"]) == ("acme-churn-mlflow-artifacts", "Enabled")
    status = next(v for v in b["values"] if v["attribute"] == "versioning_configuration.status")
    assert (status["state"], [o["type"] for o in status["origins"]]) == (
        "known", ["variable", "module_input"])


def test_cloudformation_pipeline_store_role_comes_from_what_the_stages_output() -> None:
    """Both buckets are CodePipeline artifact stores. The delivery one is named
    "...-artifact" but its stages only pass source and stacks: no ML role, no finding. The
    churn one has no telling name, but a stage outputs the trained model: it holds models,
    and its pipeline's admin role is an ML role."""
    assert _found("cfn_pipeline_stores") == [
        ("MLS-BKT-003", "training-pipeline.yaml", 5, "medium"),
        ("MLS-BKT-005", "training-pipeline.yaml", 5, "low"),
        ("MLS-BKT-006", "training-pipeline.yaml", 5, "medium"),
        ("MLS-BKT-007", "training-pipeline.yaml", 5, "medium"),
        # the pipeline that outputs the model may do anything anywhere; the delivery
        # pipeline's identical role stays silent (it reaches no ML asset)
        ("MLS-IAC-003", "training-pipeline.yaml", 35, "high"),
    ]
    facts = _facts("cfn_pipeline_stores").facts
    stores = sorted(
        (s["bucket"], s["output_artifacts"]) for s in facts["iac"]["ci_artifact_stores"])
    assert stores == [
        ("acme-churn-pipeline-store", ["ChurnSource", "TrainedModel"]),
        ("acme-delivery-pipeline-artifact", ["ShippedStack", "SiteSource"]),
    ]
    assert rego_bucket(facts, "acme-delivery-pipeline-artifact")["roles"] == []
    assert rego_bucket(facts, "acme-churn-pipeline-store")["roles"] == ["model-store"]


def test_azure_ml_workspace_storage_through_another_modules_output() -> None:
    """The root passes module.storage.account_id to the workspace module: the account of
    the storage module is the workspace's store (versioning off, high), and the workspace
    keeps public network access at its default."""
    assert _found("azure_ml_modules") == [
        ("MLS-BKT-004", "modules/storage/main.tf", 5, "high"),
        ("MLS-IAC-001", "modules/workspace/main.tf", 9, "medium"),
    ]
    (ws,) = _facts("azure_ml_modules").facts["iac"]["ml_workspaces"]
    assert ws["storage"] == "azurerm_storage_account.this"


def test_json_tfvars_set_values_in_terraform_order() -> None:
    """terraform.tfvars.json names the bucket; an *.auto.tfvars.json loaded after it turns
    versioning on: no versioning finding, and the findings name the bucket."""
    assert _found("tfvars_json") == [
        ("MLS-BKT-003", "main.tf", 10, "medium"),
        ("MLS-BKT-005", "main.tf", 10, "low"),
        ("MLS-BKT-006", "main.tf", 10, "medium"),
        ("MLS-BKT-007", "main.tf", 10, "medium"),
    ]
    b = _bucket("tfvars_json", "aws_s3_bucket.weights")
    assert (b["name"], b["versioning"]) == ("acme-fraud-models", "Enabled")


def test_policy_on_another_modules_bucket_output_attaches_to_it() -> None:
    """The root's bucket policy names the module's bucket through module.models.bucket_id:
    it resolves to the bucket's name, so the bucket is not reported as having no policy."""
    assert _found("module_output_policy") == [
        ("MLS-BKT-005", "modules/bucket/main.tf", 5, "low"),
        ("MLS-BKT-006", "modules/bucket/main.tf", 5, "medium"),
        ("MLS-BKT-007", "modules/bucket/main.tf", 5, "medium"),
    ]
    (policy,) = _facts("module_output_policy").facts["bucket_policies"]["policies"]
    assert (policy["bucket"], policy["loc"]["path"]) == ("acme-vision-models", "main.tf")


def test_inline_bucket_policy_of_provider_v3_is_a_bucket_policy() -> None:
    """`policy = <<POLICY` inside the bucket: the TLS-only one counts as the bucket's policy
    (no "no policy" finding), the one that only grants a reader lacks the TLS deny."""
    assert _found("inline_policy") == [
        ("MLS-BKT-003", "main.tf", 32, "medium"),
        ("MLS-BKT-005", "main.tf", 2, "low"),
    ]
    policies = _facts("inline_policy").facts["bucket_policies"]["policies"]
    assert sorted((p["address"], p["bucket"]) for p in policies) == [
        ("aws_s3_bucket.reader_grant.policy", "acme-legacy-training-data"),
        ("aws_s3_bucket.tls_only.policy", "acme-legacy-models"),
    ]


def test_codebuild_output_bucket_role_comes_from_what_the_build_writes() -> None:
    """A CodeBuild project's S3 artifacts location is a CI store: the docs bundle bucket
    named "...-build-artifacts" has no ML role; the nightly bucket gets the trained model."""
    assert _found("codebuild_stores") == [
        ("MLS-BKT-003", "build.tf", 7, "medium"),
        ("MLS-BKT-005", "build.tf", 7, "low"),
        ("MLS-BKT-006", "build.tf", 7, "medium"),
        ("MLS-BKT-007", "build.tf", 7, "medium"),
    ]
    facts = _facts("codebuild_stores").facts
    assert rego_bucket(facts, "acme-site-build-artifacts")["roles"] == []
    assert rego_bucket(facts, "acme-nightly-outputs")["roles"] == ["model-store"]


def test_gcs_buckets_are_judged_on_versioning_and_public_access_only() -> None:
    """GCS logs data access through Cloud Audit Logs and encrypts with a Google-managed key
    by default: no access-logging finding, a missing CMEK is low. The unversioned training
    data bucket is still reported."""
    assert _found("gcs_model_store") == [
        ("MLS-BKT-004", "storage.tf", 12, "medium"),
        ("MLS-BKT-005", "storage.tf", 1, "low"),
        ("MLS-BKT-007", "storage.tf", 1, "low"),
        ("MLS-BKT-007", "storage.tf", 12, "low"),
    ]
    b = _bucket("gcs_model_store", "google_storage_bucket.churn_models")
    assert (b["provider"], b["logging"]) == ("gcp", False)


def test_passrole_scoped_to_named_roles_is_not_iam_write() -> None:
    """PassRole on SageMaker-* with an iam:PassedToService condition, and PassRole on the
    execution role itself, are the least-privilege pattern; PassRole on every role (even
    with the service condition) lets the caller hand SageMaker any role, and fires."""
    assert _found("sagemaker_passrole") == [("MLS-IAC-003", "roles.yaml", 43, "high")]
    statements = _facts("sagemaker_passrole").facts["iac"]["iam_statements"]
    passrole = sorted((s["policy"], s["index"]) for s in statements
                      if "iam:passrole" in s["actions"])
    assert passrole == [("AWS::IAM::ManagedPolicy.LaunchAnything", 0),
                        ("AWS::IAM::ManagedPolicy.LaunchJobs", 1),
                        ("AWS::IAM::ManagedPolicy.LaunchJobs", 2)]


def test_registry_image_hygiene_checks_are_low() -> None:
    """Scan on push and KMS encryption of a registry are generic image hygiene: reported by
    checkov at low, not medium (tag immutability is set, so nothing else fires)."""
    found = sorted((f.control.id, f.location.path, f.location.start_line, f.severity,
                    f.message.split()[1]) for f in _scan("ecr_hygiene").findings)
    assert found == [
        ("MLS-IAC-004", "registry.yaml", 5, "low", "CKV_AWS_136"),
        ("MLS-IAC-004", "registry.yaml", 5, "low", "CKV_AWS_163"),
    ]
