# METADATA
# title: No object lock or MFA delete on the model registry bucket
# description: >-
#   The bucket behind the model registry or model store has neither object lock nor MFA
#   delete, so anyone with write access (or a stolen pipeline credential) can destroy or
#   rewrite released model versions, history included. Object lock is a compliance
#   choice: the finding is medium only on a bucket its name, address or tags declare
#   immutable (retention, WORM, compliance, legal hold; the table is
#   data.mlscan.lib.bucket_roles.immutable_hints), low elsewhere.
# custom:
#   id: MLS-BKT-005
#   severity: medium
#   stride: [tampering, repudiation]
#   linddun: []
#   atlas: [AML.T0018]
#   owasp_ml: [ML10]
#   cwe: [693]
#   references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html", "CKV_AWS_143"]
#   remediation: >-
#     Create the bucket with object_lock_enabled = true and a default retention
#     (aws_s3_bucket_object_lock_configuration), or enable MFA delete on versioning.
package mlscan.controls.bucket.object_lock

import data.mlscan.lib.checkov
import data.mlscan.lib.ml_assets
import rego.v1

deny contains v if {
	some b in object.get(object.get(input, "iac", {}), "buckets", [])
	object.get(b, "provider", "aws") != "azure" # immutability policies are not modelled for Azure
	name := ml_assets.bucket_key(b)
	ml_assets.stores_models(name)
	not b.object_lock
	not b.mfa_delete
	v := {
		"msg": sprintf("bucket %s stores models but has neither object lock nor MFA delete%s", [ml_assets.describe(name), _scope_note(name)]),
		"loc": b.loc,
		"asset": name,
		"key": b.address,
		"severity": _severity(name),
		"evidence": {"checkov": checkov.evidence("MLS-BKT-005", b.loc.path, b.address)},
	}
}

_severity(name) := "medium" if {
	ml_assets.immutable_store(name)
} else := "low"

_scope_note(name) := "" if {
	ml_assets.immutable_store(name)
} else := " (a compliance choice: reported at low because nothing declares the bucket immutable)"
