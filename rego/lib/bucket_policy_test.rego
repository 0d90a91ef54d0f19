package mlscan.lib.bucket_policy_test

import data.mlscan.lib.bucket_policy
import rego.v1

_s(extra) := object.union(
	{
		"effect": "Allow", "principal_is_wildcard": true, "restricting_condition_keys": [],
		"access": ["read"], "actions": ["s3:GetObject"], "not_actions": [], "sid": null, "index": 0,
		"loc": {"path": "p.json", "line": 3},
	},
	extra,
)

test_public_needs_wildcard_allow_without_condition if {
	bucket_policy.public(_s({}))
	not bucket_policy.public(_s({"effect": "Deny"}))
	not bucket_policy.public(_s({"principal_is_wildcard": false}))
	not bucket_policy.public(_s({"restricting_condition_keys": ["aws:SourceVpce"]}))
}

test_grants_write if {
	bucket_policy.grants_write(_s({"access": ["read", "delete"]}))
	not bucket_policy.grants_write(_s({}))
}

test_texts if {
	bucket_policy.actions_text(_s({})) == "s3:GetObject"
	bucket_policy.actions_text(_s({"actions": [], "not_actions": ["s3:Delete*"]})) == "everything except s3:Delete*"
	bucket_policy.statement_label(_s({})) == "statement #1"
	bucket_policy.statement_label(_s({"sid": "Open"})) == "statement 'Open'"
}

test_anchors if {
	bucket_policy.principal_anchor(_s({"principal_loc": {"path": "p.json", "line": 5}})).line == 5
	bucket_policy.principal_anchor(_s({"block_loc": {"path": "s.tf", "line": 9}})).line == 9
	bucket_policy.action_anchor(_s({})).line == 3
}

test_public_member if {
	bucket_policy.public_member({"kind": "iam-member", "member": "allUsers"})
	bucket_policy.public_member({"kind": "iam-member", "member": "allAuthenticatedUsers"})
	bucket_policy.public_member({"kind": "acl", "member": "READER:allUsers"})
	bucket_policy.public_member({"kind": "container-access", "member": "blob"})
	bucket_policy.public_member({"kind": "container-access", "member": "container"})
}

test_private_member if {
	not bucket_policy.public_member({"kind": "iam-member", "member": "user:ana@example.com"})
	not bucket_policy.public_member({"kind": "acl", "member": "OWNER:project-owners-1"})
	not bucket_policy.public_member({"kind": "container-access", "member": "private"})
}
