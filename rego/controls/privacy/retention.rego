# METADATA
# title: No retention rule on a bucket that holds personal data
# description: >-
#   A bucket holds personal data and has no enabled lifecycle rule that expires current
#   objects. The bucket holds personal data when it is the DVC remote of a project whose
#   DVC-tracked datasets hold personal data (MLS-PRV-001), or when it is the destination
#   of inference data capture. Without expiry, personal data is kept forever, against the
#   storage-limitation principle.
# custom:
#   id: MLS-PRV-003
#   severity: medium
#   stride: [information-disclosure]
#   linddun: [non-compliance]
#   atlas: []
#   owasp_ml: []
#   cwe: [359]
#   references: ["https://gdpr-info.eu/art-5-gdpr/", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html"]
#   remediation: >-
#     Add an aws_s3_bucket_lifecycle_configuration with an enabled rule that expires raw
#     exports and captured payloads (expiration { days = N }) and document the retention
#     period in the dataset card.
package mlscan.controls.privacy.retention

import rego.v1

personal_datasets contains f.path if {
	some f in object.get(input, ["datasets", "files"], [])
	count(f.personal_data) > 0
	f.dvc_tracked
}

holds_personal_data(b) := sprintf("it is the DVC remote '%s' of datasets with personal data (%s)", [b.dvc_remote, concat(", ", sort(personal_datasets))]) if {
	"dvc-remote" in b.roles
	count(personal_datasets) > 0
} else := "it receives captured inference payloads" if {
	"inference-capture" in b.roles
}

expires(b) if {
	some r in b.lifecycle_rules
	r.enabled
	r.expiration
}

deny contains v if {
	some b in object.get(input, ["privacy", "buckets"], [])
	why := holds_personal_data(b)
	not expires(b)
	v := {
		"msg": sprintf("Bucket %s (%s) has no lifecycle rule that expires objects, and %s", [b.name, b.resource, why]),
		"loc": b.loc,
		"asset": b.resource,
		"evidence": {"roles": b.roles, "lifecycle_rules": count(b.lifecycle_rules)},
	}
}
