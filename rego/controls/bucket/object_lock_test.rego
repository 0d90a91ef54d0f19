package mlscan.controls.bucket.object_lock

import rego.v1

_bucket(lock, mfa) := {"name": "acme-registry", "address": "aws_s3_bucket.r", "object_lock": lock,
	"mfa_delete": mfa, "loc": {"path": "s.tf", "line": 5}}

# Whether a bucket stores models follows from its roles (mlscan.lib.ml_assets).
_role(true) := "registry-artifacts"

_role(false) := "training-data"

_assets(stores) := {"buckets": [{"name": "acme-registry", "roles": [_role(stores)], "role": _role(stores),
	"role_sources": ["link"], "stores_models": stores, "links": [], "description": ""}]}

test_registry_without_lock_is_low_without_immutability_evidence if {
	vs := deny with input as {"iac": {"buckets": [_bucket(false, false)]}, "assets": _assets(true)}
	[v.severity | some v in vs] == ["low"]
}

test_bucket_tagged_for_retention_is_medium if {
	assets := {"buckets": [object.union(_assets(true).buckets[0], {"tags": {"Retention": "legal-hold"}})]}
	vs := deny with input as {"iac": {"buckets": [_bucket(false, false)]}, "assets": assets}
	[v.severity | some v in vs] == ["medium"]
}

test_user_immutable_hints_raise_severity if {
	vs := deny with input as {"iac": {"buckets": [_bucket(false, false)]}, "assets": _assets(true)}
		with data.mlscan.user.bucket_roles.immutable_hints as ["registry"]
	[v.severity | some v in vs] == ["medium"]
}

test_object_lock_is_enough if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket(true, false)]}, "assets": _assets(true)}
}

test_mfa_delete_is_enough if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket(false, true)]}, "assets": _assets(true)}
}

test_non_model_bucket_is_silent if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket(false, false)]}, "assets": _assets(false)}
}

test_silent_on_azure_storage_account if {
	b := object.union(_bucket(false, false), {"provider": "azure"})
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "assets": _assets(true)}
}
