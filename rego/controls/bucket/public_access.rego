# METADATA
# title: Model or data bucket readable or writable by anyone
# description: >-
#   A bucket policy statement allows any principal without a condition that restricts the
#   caller (VPC, VPC endpoint, organisation, source IP), a canned ACL is public, or a GCS IAM
#   binding or Azure container access level opens the bucket to everyone. Anyone can then
#   download the models (model theft) or the training data, or replace them.
# custom:
#   id: MLS-BKT-001
#   severity: critical
#   stride: [information-disclosure, tampering]
#   linddun: [data-disclosure]
#   atlas: [AML.T0036]
#   owasp_ml: [ML05]
#   cwe: [284]
#   references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html", "CKV_AWS_20", "CKV_AWS_57", "CKV_AWS_70", "CKV_GCP_28", "CKV_AZURE_34"]
#   remediation: >-
#     Remove the wildcard principal (or add an aws:SourceVpce / aws:PrincipalOrgID condition),
#     enable the S3 public access block, drop allUsers / allAuthenticatedUsers bindings and set
#     Azure containers to private. Serve models through an authenticated endpoint instead.
package mlscan.controls.bucket.public_access

import data.mlscan.lib.bucket_policy
import data.mlscan.lib.checkov
import data.mlscan.lib.ml_assets
import rego.v1

_bp := object.get(input, "bucket_policies", {})

# Models or registry artifacts: critical; anything else: high.
_severity(name) := "critical" if ml_assets.stores_models(name)

_severity(name) := "high" if not ml_assets.stores_models(name)

_name(s) := s.bucket if s.bucket != null

_name(s) := s.policy_id if s.bucket == null

deny contains v if {
	some s in object.get(_bp, "statements", [])
	bucket_policy.public(s)
	count(s.access) > 0
	name := _name(s)
	v := {
		"msg": sprintf("bucket %s allows %s to any principal (%s)", [
			ml_assets.describe(name), bucket_policy.actions_text(s), bucket_policy.statement_label(s),
		]),
		"loc": bucket_policy.principal_anchor(s),
		"related": [s.loc],
		"asset": name,
		"key": sprintf("%s#%d", [s.policy_id, s.index]),
		"severity": _severity(name),
		"evidence": {
			"access": s.access,
			"condition_keys": s.condition_keys,
			"checkov": checkov.evidence("MLS-BKT-001", s.loc.path, object.get(s, "policy_address", "")),
		},
	}
}

deny contains v if {
	some g in object.get(_bp, "public_grants", [])
	bucket_policy.public_member(g)
	name := object.get(g, "bucket", g.address)
	v := {
		"msg": sprintf("bucket %s is public: %s grants %s", [
			ml_assets.describe(name), g.address, _grant_text(g),
		]),
		"loc": g.loc,
		"asset": name,
		"key": g.address,
		"severity": _severity(name),
		"evidence": {"provider": g.provider, "member": g.member,
			"checkov": checkov.evidence("MLS-BKT-001", g.loc.path, g.address)},
	}
}

_grant_text(g) := sprintf("%s to %s", [g.role, g.member]) if g.role != null

_grant_text(g) := sprintf("anonymous read (container_access_type = %s)", [g.member]) if g.role == null

deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	b.acl in bucket_policy.public_acls
	name := ml_assets.bucket_key(b)
	v := {
		"msg": sprintf("bucket %s has the public canned ACL '%s'", [ml_assets.describe(name), b.acl]),
		"loc": b.loc,
		"asset": name,
		"key": "acl",
		"severity": _severity(name),
		"evidence": {"acl": b.acl, "checkov": checkov.evidence("MLS-BKT-001", b.loc.path, b.address)},
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-BKT-001")
}
