package mlscan.controls.model.mlmodel_path_escape

import rego.v1

mk_mlmodel(value, escapes) := {"artifacts": {"mlmodels": [{"path": "m/MLmodel", "dir": "m", "paths": [{
	"flavor": "python_function", "field": "model_path", "value": value, "escapes": escapes,
	"loc": {"path": "m/MLmodel", "line": 8},
}]}]}}

test_fires_on_dotdot if {
	vs := deny with input as mk_mlmodel("../../etc/model.pkl", true)
	some v in vs
	contains(v.msg, "python_function.model_path = '../../etc/model.pkl'")
	v.loc.line == 8
}

test_silent_inside if {
	count(deny) == 0 with input as mk_mlmodel("model.pkl", false)
}
