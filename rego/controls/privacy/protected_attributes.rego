# METADATA
# title: Decision model takes protected attributes as direct features
# description: >-
#   The input signature of a credit, fraud or other decision model (by name, or an asset
#   of critical or high impact) lists protected attributes (age, sex or gender, race or
#   ethnicity, marital status, nationality, religion, disability) as features. Decisions
#   on people based on these attributes are discriminatory in most jurisdictions, and the
#   features make individuals easier to single out. This is a review item: some uses
#   (fairness monitoring, age-band affordability rules) are lawful when documented.
# custom:
#   id: MLS-PRV-005
#   severity: medium
#   stride: []
#   linddun: [linking, identifying]
#   atlas: []
#   owasp_ml: [ML08]
#   cwe: [359]
#   references: ["https://mlflow.org/docs/latest/model/signatures.html", "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"]
#   remediation: >-
#     Remove protected attributes from the model inputs, or document the lawful basis and
#     the fairness evaluation in the model card and suppress this finding with that reason.
package mlscan.controls.privacy.protected_attributes

import data.mlscan.lib.privacy
import rego.v1

deny contains v if {
	some m in object.get(input, ["privacy", "models"], [])
	privacy.decision_model(m)
	count(m.protected_inputs) > 0
	names := sort([sprintf("%s (%s)", [p.name, p.attribute]) | some p in m.protected_inputs])
	v := {
		"msg": sprintf("Decision model %s takes protected attributes as inputs: %s", [m.path, concat(", ", names)]),
		"loc": m.loc,
		"asset": m.path,
		"evidence": {"protected_inputs": names, "impact": m.impact},
	}
}
