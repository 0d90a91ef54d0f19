# METADATA
# title: Bucket policy does not deny non-TLS access
# description: >-
#   A bucket policy has no statement that denies requests made without TLS
#   (aws:SecureTransport false), and its Allow statements do not require TLS either, or an
#   S3 bucket that holds models or data has no bucket policy at all, so models and
#   training data can be read or replaced over plaintext connections. Infrastructure
#   buckets (Terraform state, CI scratch stores) are left out.
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
	not ml_assets.infrastructure(name)
	v := {
		"msg": sprintf("bucket policy for %s does not deny requests without TLS (aws:SecureTransport)", [ml_assets.describe(name)]),
		"loc": _anchor(p),
		"asset": name,
		"key": p.id,
	}
}

# An S3 bucket with an ML role and no bucket policy at all: the finding sits where the
# bucket is declared.
deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	object.get(b, "provider", "aws") == "aws"
	name := ml_assets.bucket_key(b)
	ml_assets.ml_bucket(name)
	not _has_policy(b, name)
	v := {
		"msg": sprintf("bucket %s has no bucket policy, so nothing denies requests without TLS (aws:SecureTransport)", [ml_assets.describe(name)]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
	}
}

_has_policy(_, name) if {
	some p in object.get(_bp, "policies", [])
	p.bucket == name
}

# A policy of the same module that names this bucket by address, or whose bucket could
# not be resolved to a name (it may be this one): not reported as missing.
_has_policy(b, _) if {
	some p in object.get(_bp, "policies", [])
	_same_dir(p.loc.path, b.loc.path)
	_maybe_this(p, b)
}

_maybe_this(p, b) if p.bucket_address == b.address

_maybe_this(p, _) if {
	is_string(p.bucket)
	not _known_names[p.bucket]
}

_maybe_this(p, _) if p.bucket == null

_known_names contains ml_assets.bucket_key(b) if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
}

_same_dir(a, b) if _dir(a) == _dir(b)

_dir(path) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(path, "/")
}
