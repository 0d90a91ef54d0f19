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

reg_version(value, escapes) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null},
	"mlmodel": mk_mlmodel(value, escapes).artifacts.mlmodels[0],
}]}}

test_fires_registry_on_absolute_path if {
	vs := deny with input as reg_version("/etc/model.pkl", true)
	some v in vs
	v.msg == "models:/credit/3: MLmodel python_function.model_path = '/etc/model.pkl' points outside the model directory"
	v.loc.path == "models:/credit/3"
	v.logical_location == "models:/credit/3"
}

test_silent_registry_inside if {
	count(deny) == 0 with input as reg_version("model.pkl", false)
}
