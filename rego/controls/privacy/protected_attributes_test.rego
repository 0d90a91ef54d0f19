package mlscan.controls.privacy.protected_attributes

import rego.v1

model(decision, protected) := {"privacy": {"models": [{
	"path": "models/credit", "inputs": ["income", "age"], "impact": "critical", "asset": "credit",
	"decision_model": decision, "protected_inputs": protected,
	"loc": {"path": "models/credit/MLmodel", "line": 21, "col": 3, "end_line": 21, "end_col": 9},
}]}}

test_fires_on_age_in_credit_model if {
	vs := deny with input as model(true, [{"name": "age", "attribute": "age"}])
	count(vs) == 1
	some v in vs
	v.loc.line == 21
	v.evidence.protected_inputs == ["age (age)"]
}

test_silent_on_non_decision_model if {
	count(deny) == 0 with input as model(false, [{"name": "age", "attribute": "age"}])
}

test_silent_without_protected_inputs if {
	count(deny) == 0 with input as model(true, [])
}
