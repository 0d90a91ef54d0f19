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
