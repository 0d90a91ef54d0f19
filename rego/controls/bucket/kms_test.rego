package mlscan.controls.bucket.kms

import rego.v1

_bucket(algo, key) := {"name": "acme-models", "address": "aws_s3_bucket.m", "provider": "aws",
	"sse_algorithm": algo, "kms_key_set": key, "loc": {"path": "s.tf", "line": 2}}

_assets := {"buckets": [{"name": "acme-models", "roles": ["model-store"], "role": "model-store",
	"role_sources": ["tag"], "stores_models": true, "links": [], "description": ""}]}

test_aes256_is_not_kms if {
	vs := deny with input as {"iac": {"buckets": [_bucket("AES256", false)]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	contains(v.msg, "AES256")
}

test_no_encryption_configured if {
	count(deny) == 1 with input as {"iac": {"buckets": [_bucket(null, false)]}, "assets": _assets}
}

test_kms_is_silent if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket("aws:kms", true)]}, "assets": _assets}
}

_unknown_bucket := object.union(_bucket(null, false), {"kms_key": "unknown", "values": [{
	"attribute": "kms_master_key_id", "state": "unknown", "expression": "var.key_arn",
	"reason": "var.key_arn defaults to null and no tfvars file sets it", "origins": [],
}]})

test_fires_low_on_unknown_key if {
	vs := deny with input as {"iac": {"buckets": [_unknown_bucket]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	v.severity == "low"
	contains(v.msg, "kms_master_key_id = var.key_arn (var.key_arn defaults to null")
}

test_silent_on_known_key_from_variable if {
	b := object.union(_bucket("aws:kms", true), {"kms_key": "set"})
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "assets": _assets}
}

test_fires_medium_when_algorithm_is_aes256_and_key_unknown if {
	b := object.union(_unknown_bucket, {"sse_algorithm": "AES256"})
	vs := deny with input as {"iac": {"buckets": [b]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	v.severity == "medium"
	contains(v.msg, "AES256")
}

# GCS encrypts every object with a Google-managed key: a missing CMEK is low, not medium.
test_gcs_without_cmek_is_low if {
	b := object.union(_bucket(null, false), {"provider": "gcp", "address": "google_storage_bucket.m"})
	vs := deny with input as {"iac": {"buckets": [b]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	v.severity == "low"
	v.loc.line == 2
	contains(v.msg, "Google-managed key")
}

test_azure_is_not_judged if {
	b := object.union(_bucket(null, false), {"provider": "azure"})
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "assets": _assets}
}
