package mlscan.controls.bucket.versioning

import rego.v1

_bucket(enabled, state) := {"name": "acme-models", "address": "aws_s3_bucket.m", "provider": "aws",
	"versioning": state, "versioning_enabled": enabled, "loc": {"path": "s.tf", "line": 2}}

_assets(roles, stores) := {"buckets": [{"name": "acme-models", "roles": roles, "role": roles[0],
	"role_sources": ["link"], "stores_models": stores, "links": [], "description": "MLflow artifact root"}]}

test_model_store_without_versioning_is_high if {
	vs := deny with input as {"iac": {"buckets": [_bucket(false, null)]}, "assets": _assets(["model-store"], true)}
	count(vs) == 1
	some v in vs
	v.severity == "high"
	v.loc.line == 2
	contains(v.msg, "absent")
}

test_training_data_is_medium if {
	vs := deny with input as {"iac": {"buckets": [_bucket(false, "Suspended")]}, "assets": _assets(["training-data"], false)}
	some v in vs
	v.severity == "medium"
}

test_versioned_bucket_is_silent if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket(true, "Enabled")]}, "assets": _assets(["model-store"], true)}
}

test_fires_low_on_unknown_status if {
	b := {"name": "acme-models", "address": "aws_s3_bucket.m", "provider": "aws", "versioning": "unknown",
		"versioning_enabled": false, "loc": {"path": "s.tf", "line": 2}, "values": [{
			"attribute": "versioning_configuration.status", "state": "unknown", "expression": "var.versioning",
			"reason": "var.versioning has no default and no tfvars file sets it", "origins": [],
		}]}
	vs := deny with input as {"iac": {"buckets": [b]}}
	count(vs) == 1
	some v in vs
	v.severity == "low"
	contains(v.msg, "versioning_configuration.status = var.versioning")
}

_azure(name) := {"name": name, "address": "azurerm_storage_account.ws", "provider": "azure", "versioning": null,
	"versioning_enabled": false, "loc": {"path": "ml.tf", "line": 1}}

test_fires_on_azure_ml_workspace_storage if {
	a := {"buckets": [{"name": "acmemlstore", "roles": ["registry-artifacts"], "role_sources": ["link"],
		"links": [], "description": "Azure ML workspace storage"}]}
	count(deny) == 1 with input as {"iac": {"buckets": [_azure("acmemlstore")]}, "assets": a}
}

test_silent_on_azure_storage_without_ml_role if {
	count(deny) == 0 with input as {"iac": {"buckets": [_azure("acmelogs")]}}
}
