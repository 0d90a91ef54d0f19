# METADATA
# title: No KMS encryption for model or data storage
# description: >-
#   The bucket that holds models or training data is not encrypted with a KMS key, so access
#   to the objects is not also gated (and logged) by a key policy.
# custom:
#   id: MLS-BKT-007
#   severity: medium
#   stride: [information-disclosure]
#   linddun: [data-disclosure]
#   atlas: []
#   owasp_ml: [ML05]
#   cwe: [311]
#   references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html", "CKV_AWS_19", "CKV_AWS_145"]
#   remediation: >-
#     Set default encryption to aws:kms with a customer-managed key
#     (aws_s3_bucket_server_side_encryption_configuration, BucketEncryption, or
#     encryption { default_kms_key_name } on GCS, reported there at low severity).
package mlscan.controls.bucket.kms

import data.mlscan.lib.checkov
import data.mlscan.lib.ml_assets
import rego.v1

# Severity by provider. S3 is judged at the control's severity. GCS encrypts every object
# with a Google-managed key by default, so a missing customer-managed key is a hardening
# option, not a misconfiguration: low. Other providers are not judged.
provider_severity := {"aws": "medium", "gcp": "low"}

_kms_algorithms := {"aws:kms", "aws:kms:dsse", "kms"}

_kms(b) if b.kms_key_set

_kms(b) if b.sse_algorithm in _kms_algorithms

# Unknown only while the algorithm is: with a known non-KMS algorithm (AES256) a key id is
# ignored, so the bucket is known not to use KMS.
_unknown(b) if {
	object.get(b, "kms_key", "absent") == "unknown"
	b.sse_algorithm == null
}

# The unknown values behind an unknown key: "kms_master_key_id = var.key_arn (var.key_arn
# defaults to null and no tfvars file sets it)".
_why_unknown(b) := concat("; ", [sprintf("%s = %s (%s)", [u.attribute, u.expression, u.reason]) |
	some u in object.get(b, "values", [])
	u.state == "unknown"
	u.attribute in _key_attributes
])

_key_attributes := {"kms_master_key_id", "sse_algorithm", "encryption.default_kms_key_name"}

# The key comes from a value mlscan cannot know (a variable with a null default, an
# unresolved reference): reported at low severity with the expression.
deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	provider_severity[b.provider]
	name := ml_assets.bucket_key(b)
	ml_assets.ml_bucket(name)
	not _kms(b)
	_unknown(b)
	v := {
		"msg": sprintf("bucket %s may not be encrypted with a KMS key: the key is unknown, %s", [
			ml_assets.describe(name), _why_unknown(b),
		]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
		"severity": "low",
		"evidence": {"sse_algorithm": b.sse_algorithm, "kms_key": "unknown", "checkov": checkov.evidence("MLS-BKT-007", b.loc.path, b.address)},
	}
}

deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	severity := provider_severity[b.provider]
	name := ml_assets.bucket_key(b)
	ml_assets.ml_bucket(name)
	not _kms(b)
	not _unknown(b)
	v := {
		"msg": sprintf("bucket %s is not encrypted with a KMS key (default encryption: %s)", [
			ml_assets.describe(name), _algorithm(b),
		]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
		"severity": severity,
		"evidence": {"sse_algorithm": b.sse_algorithm, "checkov": checkov.evidence("MLS-BKT-007", b.loc.path, b.address)},
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-BKT-007")
}

_algorithm(b) := b.sse_algorithm if {
	b.sse_algorithm != null
} else := "Google-managed key" if {
	b.provider == "gcp"
} else := "not configured"
