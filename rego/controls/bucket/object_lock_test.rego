package mlscan.controls.bucket.object_lock

import rego.v1

_bucket(lock, mfa) := {"name": "acme-registry", "address": "aws_s3_bucket.r", "object_lock": lock,
	"mfa_delete": mfa, "loc": {"path": "s.tf", "line": 5}}

_assets(stores) := {"buckets": [{"name": "acme-registry", "roles": ["registry-artifacts"], "role": "registry-artifacts",
	"role_sources": ["link"], "stores_models": stores, "links": [], "description": ""}]}

test_registry_without_lock if {
	vs := deny with input as {"iac": {"buckets": [_bucket(false, false)]}, "assets": _assets(true)}
	count(vs) == 1
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
