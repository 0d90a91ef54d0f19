package mlscan.controls.bucket.tls_deny

import rego.v1

_policy := {"id": "p.json", "bucket": "acme-models", "bucket_address": null, "loc": {"path": "p.json", "line": 1}}

_allow := {"policy_id": "p.json", "effect": "Allow", "principal_is_wildcard": false,
	"principals": {"aws": ["arn:aws:iam::1:role/r"], "service": [], "federated": []}, "secure_transport": null}

_deny_tls := {"policy_id": "p.json", "effect": "Deny", "principal_is_wildcard": true,
	"principals": {"aws": [], "service": [], "federated": []}, "secure_transport": "false"}

test_policy_without_tls_deny if {
	vs := deny with input as {"bucket_policies": {"policies": [_policy], "statements": [_allow]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 1
}

test_policy_with_tls_deny if {
	count(deny) == 0 with input as {"bucket_policies": {"policies": [_policy], "statements": [_allow, _deny_tls]}}
}

test_allow_requiring_tls if {
	a := object.union(_allow, {"secure_transport": "true"})
	count(deny) == 0 with input as {"bucket_policies": {"policies": [_policy], "statements": [a]}}
}

test_identity_policy_is_ignored if {
	a := object.union(_allow, {"principals": {"aws": [], "service": [], "federated": []}})
	count(deny) == 0 with input as {"bucket_policies": {"policies": [_policy], "statements": [a]}}
}

test_standalone_document_points_at_statement_key if {
	p := object.union(_policy, {"statement_key_loc": {"path": "p.json", "line": 3}})
	vs := deny with input as {"bucket_policies": {"policies": [p], "statements": [_allow]}}
	some v in vs
	v.loc.line == 3
}

test_bucket_without_any_policy_is_not_reported_here if {
	b := {"name": "acme-models", "address": "aws_s3_bucket.m", "provider": "aws", "loc": {"path": "s.tf", "line": 2}}
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "bucket_policies": {"policies": [], "statements": []}}
}

_model_assets := {"buckets": [{"name": "acme-models", "roles": ["model-store"], "role": "model-store",
	"role_sources": ["link"], "stores_models": true, "links": [], "description": ""}]}

_model_bucket := {"name": "acme-models", "address": "aws_s3_bucket.m", "provider": "aws", "loc": {"path": "infra/s.tf", "line": 2}}

test_model_bucket_without_any_policy_is_reported_where_declared if {
	vs := deny with input as {"iac": {"buckets": [_model_bucket]}, "assets": _model_assets, "bucket_policies": {"policies": [], "statements": []}}
	[[v.loc.path, v.loc.line] | some v in vs] == [["infra/s.tf", 2]]
}

test_model_bucket_with_a_tls_policy_is_silent if {
	p := object.union(_policy, {"loc": {"path": "infra/p.tf", "line": 1}})
	count(deny) == 0 with input as {"iac": {"buckets": [_model_bucket]}, "assets": _model_assets,
		"bucket_policies": {"policies": [p], "statements": [_allow, _deny_tls]}}
}

test_unresolved_policy_of_the_same_module_may_be_its_own if {
	p := object.union(_policy, {"bucket": "aws_s3_bucket.m[0].id", "loc": {"path": "infra/p.tf", "line": 1}})
	d := object.union(_deny_tls, {"policy_id": "p.json"})
	count(deny) == 0 with input as {"iac": {"buckets": [_model_bucket]}, "assets": _model_assets,
		"bucket_policies": {"policies": [p], "statements": [_allow, d]}}
}

test_gcs_bucket_without_policy_is_silent if {
	b := object.union(_model_bucket, {"provider": "gcp"})
	count(deny) == 0 with input as {"iac": {"buckets": [b]}, "assets": _model_assets, "bucket_policies": {"policies": [], "statements": []}}
}

test_state_bucket_policy_is_silent if {
	assets := {"buckets": [{"name": "acme-models", "links": [], "state_backend": true, "addresses": [], "tags": {}}]}
	count(deny) == 0 with input as {"assets": assets, "bucket_policies": {"policies": [_policy], "statements": [_allow]}}
}
