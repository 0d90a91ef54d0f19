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

deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	b.provider in {"aws", "gcp"}
	not b.versioning_enabled
	name := ml_assets.bucket_key(b)
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
