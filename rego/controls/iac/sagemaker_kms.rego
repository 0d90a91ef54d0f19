# METADATA
# title: SageMaker endpoint, notebook or domain without a KMS key
# description: >-
#   The storage attached to a SageMaker notebook, endpoint or Studio domain (models,
#   notebooks, captured inference data) is encrypted only with the service default key, so
#   access to it is not gated by a key policy you control.
# custom:
#   id: MLS-IAC-002
#   severity: medium
#   stride: [information-disclosure]
#   linddun: [data-disclosure]
#   atlas: []
#   owasp_ml: [ML05]
#   cwe: [311]
#   references: ["https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest.html", "CKV_AWS_98", "CKV_AWS_22", "CKV_AWS_187"]
#   remediation: >-
#     Set kms_key_id (notebook, domain) / kms_key_arn (endpoint configuration) to a
#     customer-managed KMS key, and a KMS key for data capture.
package mlscan.controls.iac.sagemaker_kms

import data.mlscan.lib.checkov
import rego.v1

_iac := object.get(input, "iac", {})

_kinds := {
	"sagemaker_notebooks": "notebook",
	"sagemaker_endpoint_configs": "endpoint configuration",
	"sagemaker_domains": "domain",
}

_label(r) := r.name if r.name != null

_label(r) := r.address if r.name == null

deny contains v if {
	some list_name, kind in _kinds
	some r in object.get(_iac, list_name, [])
	not r.kms_key_set
	v := {
		"msg": sprintf("SageMaker %s %s has no KMS key", [kind, _label(r)]),
		"loc": r.loc,
		"asset": r.address,
		"key": "kms",
		"evidence": {"checkov": checkov.evidence("MLS-IAC-002", r.loc.path, r.address)},
	}
}

deny contains v if {
	some e in object.get(_iac, "sagemaker_endpoint_configs", [])
	e.data_capture != null
	e.data_capture.enabled
	not e.data_capture.kms_key_set
	v := {
		"msg": sprintf("SageMaker endpoint configuration %s captures inference data without a KMS key", [_label(e)]),
		"loc": e.loc,
		"asset": e.address,
		"key": "data_capture_kms",
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-IAC-002")
}
