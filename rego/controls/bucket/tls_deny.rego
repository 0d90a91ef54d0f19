# METADATA
# title: Bucket policy does not deny non-TLS access
# description: >-
#   A bucket policy has no statement that denies requests made without TLS
#   (aws:SecureTransport false), and its Allow statements do not require TLS either, so
#   models and training data can be read or replaced over plaintext connections.
# custom:
#   id: MLS-BKT-003
#   severity: medium
#   stride: [information-disclosure, tampering]
#   linddun: [data-disclosure]
#   atlas: []
#   owasp_ml: []
#   cwe: [319]
#   references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html"]
#   remediation: >-
#     Add a statement {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket,
#     bucket/*], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.
package mlscan.controls.bucket.tls_deny

import data.mlscan.lib.ml_assets
import rego.v1

_bp := object.get(input, "bucket_policies", {})

_statements := object.get(_bp, "statements", [])

# Statements grouped by policy, built once per evaluation (a lookup per policy instead of
# a scan of every statement).
_by_policy[s.policy_id] contains i if {
	some i, s in _statements
}

_tls_deny(policy_id) if {
	some i in _by_policy[policy_id]
	s := _statements[i]
	s.effect == "Deny"
	s.secure_transport == "false"
}

# Every Allow statement requires aws:SecureTransport true.
_tls_required(policy_id) if {
	allows := [s | some i in _by_policy[policy_id]; s := _statements[i]; s.effect == "Allow"]
	count(allows) > 0
	every s in allows {
		s.secure_transport == "true"
	}
}

# A resource policy: some statement names a principal.
_resource_policy(policy_id) if {
	some i in _by_policy[policy_id]
	s := _statements[i]
	_has_principal(s)
}

_has_principal(s) if s.principal_is_wildcard

_has_principal(s) if count(s.principals.aws) + count(s.principals.service) + count(s.principals.federated) > 0

# The "Statement" key of a standalone document, else the policy resource.
_anchor(p) := p.statement_key_loc if object.get(p, "statement_key_loc", null) != null

_anchor(p) := p.loc if object.get(p, "statement_key_loc", null) == null

_name(p) := p.bucket if p.bucket != null

_name(p) := p.id if p.bucket == null

deny contains v if {
	some p in object.get(_bp, "policies", [])
	_resource_policy(p.id)
	not _tls_deny(p.id)
	not _tls_required(p.id)
	name := _name(p)
	v := {
		"msg": sprintf("bucket policy for %s does not deny requests without TLS (aws:SecureTransport)", [ml_assets.describe(name)]),
		"loc": _anchor(p),
		"asset": name,
		"key": p.id,
	}
}
