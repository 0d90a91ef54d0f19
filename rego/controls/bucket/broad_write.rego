# METADATA
# title: Broad write or delete access to training data or models
# description: >-
#   A policy statement lets a whole account (its root principal), any principal, or every S3
#   action (s3:*) write, delete or re-permission objects in a bucket that holds training data
#   or models. Anyone in that account - or another account - can poison the data or swap the
#   model without leaving a trail tied to a workload.
# custom:
#   id: MLS-BKT-002
#   severity: high
#   stride: [tampering, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0020]
#   owasp_ml: [ML02]
#   cwe: [269]
#   references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"]
#   remediation: >-
#     Grant s3:PutObject / s3:DeleteObject only to the pipeline roles that write the data or
#     publish the model (role ARNs, not account roots), list the actions explicitly instead of
#     s3:*, and keep cross-account access read-only.
package mlscan.controls.bucket.broad_write

import data.mlscan.lib.bucket_policy
import data.mlscan.lib.ml_assets
import rego.v1

_reason(s) := "the account root principal" if {
	s.principal_is_account_root
} else := "any principal" if {
	s.principal_is_wildcard
} else := "all S3 actions (s3:*)"

_broad(s) if s.principal_is_account_root

_broad(s) if s.action_is_wildcard

_broad(s) if {
	s.principal_is_wildcard
	count(s.restricting_condition_keys) == 0
}

deny contains v if {
	some s in object.get(object.get(input, "bucket_policies", {}), "statements", [])
	s.effect == "Allow"
	bucket_policy.grants_write(s)
	_broad(s)
	some name in s.buckets
	ml_assets.ml_bucket(name)
	v := {
		"msg": sprintf("bucket %s: %s grants %s to %s (%s)", [
			ml_assets.describe(name), bucket_policy.statement_label(s),
			bucket_policy.actions_text(s), _reason(s), concat(", ", ml_assets.roles(name)),
		]),
		"loc": bucket_policy.action_anchor(s),
		"related": [s.loc],
		"asset": name,
		"key": sprintf("%s#%d", [s.policy_id, s.index]),
		"evidence": {
			"access": s.access,
			"principals": s.principals.aws,
			"accounts": s.principals.accounts,
		},
	}
}
