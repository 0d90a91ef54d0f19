# METADATA
# title: Decision model takes protected attributes as direct features
# description: >-
#   The inputs of a credit, fraud or other decision model (by name, or an asset of
#   critical or high impact) - its MLmodel signature, the feature columns its training
#   code selects (an explicit column list, or every column of the dataset it reads but
#   the dropped ones), or the request schema its serving code declares - list protected
#   attributes (age, sex or gender, race or
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
	names := privacy.protected_inputs(object.get(m, "features", []))
	count(names) > 0
	v := {
		"msg": sprintf("Decision model %s takes protected attributes as inputs%s: %s", [m.path, _from(m), concat(", ", names)]),
		"loc": m.loc,
		"asset": m.path,
		"evidence": {"protected_inputs": names, "impact": m.impact, "source": object.get(m, "source", "mlmodel")},
	}
}

_from(m) := sprintf(" (the columns of %s)", [m.dataset]) if {
	m.source == "training-code"
	is_string(m.dataset)
} else := " (its request schema)" if {
	m.source == "serving-schema"
} else := ""
