package mlscan.controls.bucket.access_logging

import rego.v1

_bucket(logging) := {"name": "acme-data", "address": "aws_s3_bucket.d", "provider": "aws", "logging": logging,
	"loc": {"path": "s.tf", "line": 9}}

_assets := {"buckets": [{"name": "acme-data", "roles": ["training-data"], "role": "training-data",
	"role_sources": ["name"], "stores_models": false, "links": [], "description": ""}]}

test_data_bucket_without_logging if {
	vs := deny with input as {"iac": {"buckets": [_bucket(false)]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	contains(v.msg, "training-data by name")
}

test_logged_bucket_is_silent if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket(true)]}, "assets": _assets}
}

test_bucket_without_role_is_silent if {
	count(deny) == 0 with input as {"iac": {"buckets": [_bucket(false)]}}
}

# GCS data access is logged by Cloud Audit Logs (a project setting): not judged per bucket.
test_gcs_bucket_without_logging_is_silent if {
	b := object.union(_bucket(false), {"provider": "gcp", "address": "google_storage_bucket.d"})
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "assets": _assets}
}

test_azure_bucket_without_logging_is_silent if {
	b := object.union(_bucket(false), {"provider": "azure"})
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "assets": _assets}
}
