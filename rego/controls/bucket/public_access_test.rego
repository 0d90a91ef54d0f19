package mlscan.controls.bucket.public_access

import rego.v1

_loc(line) := {"path": "policies/models.json", "line": line, "col": null, "end_line": null, "end_col": null}

_stmt(principal_wildcard, restricting) := {
	"policy_id": "policies/models.json", "policy_address": null, "index": 0, "sid": "Read",
	"effect": "Allow", "principal_is_wildcard": principal_wildcard,
	"restricting_condition_keys": restricting, "condition_keys": restricting,
	"actions": ["s3:getobject"], "not_actions": [], "access": ["read"],
	"bucket": "acme-models", "buckets": ["acme-models"], "loc": _loc(7),
}

_assets := {"buckets": [{
	"name": "acme-models", "roles": ["model-store"], "role": "model-store", "role_sources": ["link"],
	"stores_models": true, "links": [], "description": "DVC remote 'prod'",
}]}

test_public_statement_on_model_bucket_is_critical if {
	vs := deny with input as {"bucket_policies": {"statements": [_stmt(true, [])]}, "assets": _assets}
	count(vs) == 1
	some v in vs
	v.loc.line == 7
	v.severity == "critical"
	contains(v.msg, "acme-models (DVC remote 'prod')")
	contains(v.msg, "s3:getobject")
}

test_public_statement_on_unknown_bucket_is_high if {
	vs := deny with input as {"bucket_policies": {"statements": [_stmt(true, [])]}}
	some v in vs
	v.severity == "high"
}

test_restricting_condition_is_not_public if {
	count(deny) == 0 with input as {"bucket_policies": {"statements": [_stmt(true, ["aws:sourcevpce"])]}}
}

test_named_principal_is_not_public if {
	count(deny) == 0 with input as {"bucket_policies": {"statements": [_stmt(false, [])]}}
}

test_gcs_all_users_binding if {
	g := {"provider": "gcp", "kind": "iam-member", "address": "google_storage_bucket_iam_member.m",
		"bucket": "acme-models", "member": "allUsers",
		"role": "roles/storage.objectViewer", "loc": _loc(3)}
	vs := deny with input as {"bucket_policies": {"public_grants": [g]}, "assets": _assets}
	some v in vs
	v.loc.line == 3
	v.severity == "critical"
}

test_private_grant_is_silent if {
	g := {"provider": "azure", "kind": "container-access", "address": "azurerm_storage_container.c",
		"bucket": "models", "member": "private", "role": null, "loc": _loc(3)}
	count(deny) == 0 with input as {"bucket_policies": {"public_grants": [g]}}
}

test_public_acl if {
	b := {"name": "acme-models", "address": "aws_s3_bucket.m", "acl": "public-read", "loc": _loc(1)}
	vs := deny with input as {"iac": {"buckets": [b]}}
	count(vs) == 1
}

test_checkov_fallback_only_without_native_fact if {
	r := {"check_id": "CKV_AWS_20", "check_name": "public ACL", "resource": "x", "result": "failed",
		"native_fact": false, "loc": _loc(2)}
	count(deny) == 1 with input as {"iac": {"checkov_results": [r]}}
	count(deny) == 0 with input as {"iac": {"checkov_results": [object.union(r, {"native_fact": true})]}}
}

test_json_points_at_principal_and_iac_at_block if {
	json_stmt := object.union(_stmt(true, []), {"principal_loc": {"path": "policies/models.json", "line": 9}})
	vs := deny with input as {"bucket_policies": {"statements": [json_stmt]}}
	some v in vs
	v.loc.line == 9
	v.related[0].line == 7
	tf_stmt := object.union(_stmt(true, []), {"principal_loc": null, "block_loc": {"path": "s.tf", "line": 24}})
	ws := deny with input as {"bucket_policies": {"statements": [tf_stmt]}}
	some w in ws
	w.loc.line == 24
}
