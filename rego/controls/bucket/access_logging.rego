# METADATA
# title: No access logging on a model or data bucket
# description: >-
#   Reads and writes of models and training data are not logged, so a model theft or a
#   poisoned upload cannot be traced to a principal afterwards.
# custom:
#   id: MLS-BKT-006
#   severity: medium
#   stride: [repudiation]
#   linddun: []
#   atlas: []
#   owasp_ml: [ML05]
#   cwe: [778]
#   references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html", "CKV_AWS_18"]
#   remediation: >-
#     Enable server access logging (aws_s3_bucket_logging / LoggingConfiguration) or
#     CloudTrail data events for the bucket.
package mlscan.controls.bucket.access_logging

import data.mlscan.lib.checkov
import data.mlscan.lib.ml_assets
import rego.v1

# Providers on which a bucket's own logging setting decides whether data access is logged.
# S3 only: on GCS, data access is logged by Cloud Audit Logs (a project setting, not a
# bucket attribute; the bucket `logging {}` block is hourly usage logs), and on Azure by
# the storage account's diagnostic settings. A finding there would point at the wrong place.
judged_providers := {"aws"}

deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	b.provider in judged_providers
	name := ml_assets.bucket_key(b)
	ml_assets.ml_bucket(name)
	not b.logging
	v := {
		"msg": sprintf("bucket %s has no access logging", [ml_assets.describe(name)]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
		"evidence": {"checkov": checkov.evidence("MLS-BKT-006", b.loc.path, b.address)},
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-BKT-006")
}
