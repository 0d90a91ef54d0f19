package mlscan.lib.ml_assets_test

import data.mlscan.lib.ml_assets
import rego.v1

_assets := {"assets": {"buckets": [{
	"name": "acme-models", "roles": ["model-store"], "role": "model-store", "stores_models": true,
	"links": [], "description": "MLflow artifact root", "role_sources": ["mlflow"],
}]}}

test_known_bucket if {
	ml_assets.stores_models("acme-models") with input as _assets
	ml_assets.ml_bucket("acme-models") with input as _assets
	not ml_assets.holds_training_data("acme-models") with input as _assets
	ml_assets.describe("acme-models") == "acme-models (MLflow artifact root)" with input as _assets
}

test_unknown_bucket_is_empty if {
	ml_assets.roles("other") == [] with input as _assets
	not ml_assets.ml_bucket("other") with input as _assets
	ml_assets.describe("other") == "other" with input as _assets
}

test_bucket_key if {
	ml_assets.bucket_key({"name": "a", "address": "x"}) == "a"
	ml_assets.bucket_key({"name": null, "address": "x"}) == "x"
}

_ci_bucket(name, outputs) := {
	"name": name, "links": [], "addresses": ["aws_s3_bucket.x"], "tags": {}, "state_backend": false,
	"ci_artifact_stores": [{"address": "aws_codepipeline.p", "output_artifacts": outputs, "loc": {"path": "ci.tf", "line": 7}}],
}

test_ci_store_holds_what_its_pipeline_outputs if {
	assets := {"assets": {"buckets": [_ci_bucket("acme-churn-store", ["Source", "TrainedModel"])]}}
	b := ml_assets.bucket("acme-churn-store") with input as assets
	b.roles == ["model-store"]
	b.role_sources == ["ci-outputs"]
	b.evidence == ["artifact store of CI pipeline aws_codepipeline.p at ci.tf:7 (outputs TrainedModel)"]
	not ml_assets.infrastructure("acme-churn-store") with input as assets
}

test_ci_scratch_store_is_infrastructure_whatever_its_name if {
	assets := {"assets": {"buckets": [_ci_bucket("acme-ml-pipeline-artifacts", ["Source", "DeployStack"])]}}
	ml_assets.roles("acme-ml-pipeline-artifacts") == [] with input as assets
	ml_assets.infrastructure("acme-ml-pipeline-artifacts") with input as assets
}

test_state_bucket_is_infrastructure if {
	assets := {"assets": {"buckets": [{"name": "acme-tfstate", "links": [], "addresses": [], "tags": {}, "state_backend": true}]}}
	ml_assets.infrastructure("acme-tfstate") with input as assets
	not ml_assets.infrastructure("acme-models") with input as _assets
}

test_immutable_store_by_tag_name_or_address if {
	tagged := {"assets": {"buckets": [{"name": "acme-models", "links": [], "addresses": [], "tags": {"Retention": "7y"}}]}}
	ml_assets.immutable_store("acme-models") with input as tagged
	named := {"assets": {"buckets": [{"name": "acme-models-worm", "links": [], "addresses": [], "tags": {}}]}}
	ml_assets.immutable_store("acme-models-worm") with input as named
	addressed := {"assets": {"buckets": [{"name": "acme-models", "links": [], "addresses": ["aws_s3_bucket.compliance_models"], "tags": {}}]}}
	ml_assets.immutable_store("acme-models") with input as addressed
	not ml_assets.immutable_store("acme-models") with input as _assets
}
