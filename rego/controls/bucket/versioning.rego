# METADATA
# title: Versioning off on a bucket that stores models or data
# description: >-
#   Without versioning an overwritten or deleted model or dataset is gone: a poisoned upload
#   cannot be rolled back and there is no history to show what was served or trained on.
# custom:
#   id: MLS-BKT-004
#   severity: high
#   stride: [tampering, repudiation]
#   linddun: []
#   atlas: [AML.T0018]
#   owasp_ml: [ML10]
#   cwe: [494]
#   references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html", "CKV_AWS_21", "CKV_GCP_78"]
#   remediation: >-
#     Enable versioning (aws_s3_bucket_versioning with status = "Enabled", or
#     VersioningConfiguration Status Enabled; versioning { enabled = true } on GCS).
package mlscan.controls.bucket.versioning

import data.mlscan.lib.checkov
import data.mlscan.lib.ml_assets
import rego.v1

_severity(name) := "high" if {
	ml_assets.stores_models(name)
} else := "medium" if {
	ml_assets.holds_training_data(name)
} else := "low"

_state(b) := "absent" if b.versioning == null

_state(b) := b.versioning if b.versioning != null

_why_unknown(b) := concat("; ", [sprintf("%s = %s (%s)", [u.attribute, u.expression, u.reason]) |
	some u in object.get(b, "values", [])
	u.state == "unknown"
	u.attribute in {"versioning_configuration.status", "versioning.enabled"}
])

# The status comes from a value mlscan cannot know: low severity, with the expression.
deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	b.provider in {"aws", "gcp"}
	b.versioning == "unknown"
	name := ml_assets.bucket_key(b)
	v := {
		"msg": sprintf("bucket %s may have versioning off: the status is unknown, %s", [ml_assets.describe(name), _why_unknown(b)]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
		"severity": "low",
		"evidence": {"versioning": b.versioning, "checkov": checkov.evidence("MLS-BKT-004", b.loc.path, b.address)},
	}
}

# An Azure storage account counts only when it holds ML assets (blob versioning is a
# storage-account setting there, shared by every container).
_in_scope(b, _) if b.provider in {"aws", "gcp"}

_in_scope(b, name) if {
	b.provider == "azure"
	ml_assets.ml_bucket(name)
}

deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	not b.versioning_enabled
	b.versioning != "unknown"
	name := ml_assets.bucket_key(b)
	_in_scope(b, name)
	v := {
		"msg": sprintf("bucket %s has versioning off (%s)", [ml_assets.describe(name), _state(b)]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
		"severity": _severity(name),
		"evidence": {"versioning": b.versioning, "checkov": checkov.evidence("MLS-BKT-004", b.loc.path, b.address)},
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-BKT-004")
}
