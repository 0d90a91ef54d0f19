package mlscan.controls.privacy.protected_attributes

import rego.v1

# a decision model by its folder name and impact, or a model that is neither
_named(true) := {"path": "models/credit", "impact": "critical", "asset": "credit"}

_named(false) := {"path": "models/sentiment", "impact": "medium", "asset": "reviews"}

f(name, toks) := {"name": name, "tokens": toks, "personal": null}

model(decision, features) := {"privacy": {"models": [object.union(_named(decision), {
	"source": "mlmodel", "inputs": [x.name | some x in features], "features": features,
	"loc": {"path": "models/credit/MLmodel", "line": 21, "col": 3, "end_line": 21, "end_col": 9},
})]}}

test_fires_on_age_in_credit_model if {
	vs := deny with input as model(true, [f("income", ["income"]), f("age", ["age"])])
	count(vs) == 1
	some v in vs
	v.loc.line == 21
	v.evidence.protected_inputs == ["age (age)"]
}

test_silent_on_non_decision_model if {
	count(deny) == 0 with input as model(false, [f("age", ["age"])])
}

test_silent_without_protected_inputs if {
	count(deny) == 0 with input as model(true, [f("income", ["income"])])
}

test_fires_on_training_columns_of_a_credit_dataset if {
	m := {"path": "train.py", "source": "training-code", "asset": null, "impact": null,
		"names": ["train.py", "data/credit_march.csv"], "dataset": "data/credit_march.csv",
		"features": [f("LIMIT", ["limit"]), f("SEX", ["sex"]), f("MARRIAGE", ["marriage"])],
		"loc": {"path": "train.py", "line": 9}}
	some v in deny with input as {"privacy": {"models": [m]}}
	v.loc.line == 9
	v.evidence.protected_inputs == ["MARRIAGE (marital-status)", "SEX (sex)"]
	contains(v.msg, "the columns of data/credit_march.csv")
}

test_silent_on_training_columns_of_another_domain if {
	m := {"path": "train.py", "source": "training-code", "asset": null, "impact": null,
		"names": ["train.py", "data/wine.csv"], "dataset": "data/wine.csv",
		"features": [f("age", ["age"]), f("acidity", ["acidity"])], "loc": {"path": "train.py", "line": 9}}
	count(deny) == 0 with input as {"privacy": {"models": [m]}}
}
