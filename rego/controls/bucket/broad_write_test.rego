package mlscan.controls.bucket.broad_write

import rego.v1

_stmt(extra) := object.union({
	"policy_id": "p.json", "index": 0, "sid": null, "effect": "Allow",
	"principal_is_wildcard": false, "principal_is_account_root": false, "action_is_wildcard": false,
	"restricting_condition_keys": [], "actions": ["s3:putobject"], "not_actions": [],
	"access": ["write"], "principals": {"aws": [], "accounts": []},
	"buckets": ["acme-training-data"], "loc": {"path": "p.json", "line": 4},
}, extra)

_assets := {"buckets": [{"name": "acme-training-data", "roles": ["training-data"], "role": "training-data",
	"role_sources": ["link"], "stores_models": false, "links": [], "description": "DVC remote 'prod'"}]}

test_account_root_write_on_training_data if {
	s := _stmt({"principal_is_account_root": true, "principals": {"aws": ["arn:aws:iam::1:root"], "accounts": ["1"]}})
	vs := deny with input as {"bucket_policies": {"statements": [s]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	v.loc.line == 4
	contains(v.msg, "account root")
}

test_s3_star_on_training_data if {
	s := _stmt({"action_is_wildcard": true, "actions": ["s3:*"], "access": ["delete", "read", "write"]})
	count(deny) == 1 with input as {"bucket_policies": {"statements": [s]}, "assets": _assets}
}

test_scoped_role_write_is_silent if {
	count(deny) == 0 with input as {"bucket_policies": {"statements": [_stmt({})]}, "assets": _assets}
}

test_read_only_is_silent if {
	s := _stmt({"action_is_wildcard": false, "principal_is_account_root": true, "access": ["read"]})
	count(deny) == 0 with input as {"bucket_policies": {"statements": [s]}, "assets": _assets}
}

test_bucket_without_ml_role_is_silent if {
	s := _stmt({"principal_is_account_root": true})
	count(deny) == 0 with input as {"bucket_policies": {"statements": [s]}}
}

test_json_points_at_action if {
	s := _stmt({"principal_is_account_root": true, "action_loc": {"path": "p.json", "line": 8}})
	vs := deny with input as {"bucket_policies": {"statements": [s]}, "assets": _assets}
	some v in vs
	v.loc.line == 8
}
