package mlscan.controls.robustness.input_validation

import rego.v1

handler(validation) := {"robustness": {"serving": [{
	"path": "serving/app.py", "function": "predict", "framework": "fastapi",
	"raw_reads": ["request.json()"], "validation": validation,
	"loc": {"path": "serving/app.py", "line": 19, "col": 1, "end_line": 19, "end_col": 30},
	"input_loc": {"path": "serving/app.py", "line": 19, "col": 1, "end_line": 19, "end_col": null},
}]}}

test_fires_on_raw_request if {
	vs := deny with input as handler([])
	count(vs) == 1
	some v in vs
	v.loc.line == 19
}

test_silent_with_pydantic_model if {
	count(deny) == 0 with input as handler([{"kind": "pydantic", "name": "PredictRequest", "loc": {"path": "serving/app.py", "line": 19}}])
}

test_silent_when_the_route_never_reaches_a_model if {
	h := handler([])
	route := object.union(h.robustness.serving[0], {"reaches_model": false, "function": "save_feedback"})
	count(deny) == 0 with input as {"robustness": {"serving": [route]}}
}
