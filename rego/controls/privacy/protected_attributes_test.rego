package mlscan.controls.privacy.protected_attributes

import rego.v1

# a decision model by its folder name and impact, or a model that is neither
_named(true) := {"path": "models/credit", "impact": "critical", "asset": "credit"}

_named(false) := {"path": "models/sentiment", "impact": "medium", "asset": "reviews"}

model(decision, protected) := {"privacy": {"models": [object.union(_named(decision), {
	"inputs": ["income", "age"], "protected_inputs": protected,
	"loc": {"path": "models/credit/MLmodel", "line": 21, "col": 3, "end_line": 21, "end_col": 9},
})]}}

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
