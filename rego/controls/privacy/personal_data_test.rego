package mlscan.controls.privacy.personal_data

import rego.v1

loc := {"path": "data/reviews.csv", "line": 1, "col": 1, "end_line": 1, "end_col": 40}

file(pd) := {"datasets": {"files": [{"path": "data/reviews.csv", "loc": loc, "personal_data": pd}]}}

test_fires_on_email_column if {
	vs := deny with input as file([
		{"column": "email", "detector": "column-name", "category": "email", "matches": null, "loc": loc},
		{"column": "email", "detector": "email", "category": "email", "matches": 20, "loc": loc},
	])
	count(vs) == 1
	some v in vs
	v.loc.line == 1
	v.evidence.columns == ["email"]
	v.evidence.detectors == ["email:column-name", "email:email"]
}

test_fires_on_schema if {
	vs := deny with input as {"datasets": {"schemas": [{"path": "schemas/s.json", "loc": loc, "personal_data": [{"column": "ssn", "detector": "column-name"}]}]}}
	count(vs) == 1
}

test_silent_without_personal_columns if {
	count(deny) == 0 with input as file([])
}
