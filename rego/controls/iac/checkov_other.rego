# METADATA
# title: ML infrastructure misconfiguration reported by checkov
# description: >-
#   A checkov check failed on infrastructure that stores or serves models (KMS keys, ECR
#   repositories, SageMaker models, ingress controllers) and no more specific mlscan control
#   covers it. With iac.include_all_checkov every other failed checkov check is reported here
#   at low severity.
# custom:
#   id: MLS-IAC-004
#   severity: low
#   stride: [tampering, information-disclosure]
#   linddun: []
#   atlas: []
#   owasp_ml: [ML06]
#   cwe: [1032]
#   references: ["https://www.checkov.io/5.Policy%20Index/all.html"]
#   remediation: Follow the checkov check's guideline for the resource named in the finding.
package mlscan.controls.iac.checkov_other

import data.mlscan.lib.checkov
import rego.v1

deny contains v if {
	some [r, m] in checkov.failed
	m != null
	m.control == "MLS-IAC-004"
	v := object.union(checkov.violation(r), {"severity": m.severity})
}

deny contains v if {
	some [r, m] in checkov.failed
	m == null
	v := object.union(checkov.violation(r), {"severity": "low"})
}
