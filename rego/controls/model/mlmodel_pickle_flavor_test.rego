package mlscan.controls.model.mlmodel_pickle_flavor

import rego.v1

mk_mlmodel(flavors) := {"path": "m/MLmodel", "dir": "m", "flavors": flavors}

mk_flavor(name, deser) := {
	"name": name, "deserialization": deser, "loc": {"path": "m/MLmodel", "line": 7, "col": 3},
	"deserialization_loc": {"path": "m/MLmodel", "line": 9, "col": 5},
}

test_fires_on_cloudpickle if {
	vs := deny with input as {"artifacts": {"mlmodels": [mk_mlmodel([mk_flavor("sklearn", "cloudpickle")])]}}
	some v in vs
	contains(v.msg, "flavor 'sklearn' loads the model with cloudpickle")
	v.loc.line == 9
}

test_silent_on_native_format if {
	count(deny) == 0 with input as {"artifacts": {"mlmodels": [mk_mlmodel([mk_flavor("xgboost", null)])]}}
}

reg_version(mlmodel) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null}, "mlmodel": mlmodel,
}]}}

test_fires_registry_pickle_flavor if {
	vs := deny with input as reg_version(mk_mlmodel([mk_flavor("sklearn", "cloudpickle")]))
	count(vs) == 1
	some v in vs
	v.msg == "models:/credit/3: flavor 'sklearn' loads the model with cloudpickle"
	v.loc.path == "models:/credit/3"
	v.logical_location == "models:/credit/3"
}

test_silent_registry_native_flavor if {
	count(deny) == 0 with input as reg_version(mk_mlmodel([mk_flavor("onnx", null)]))
}

test_silent_registry_without_mlmodel if {
	count(deny) == 0 with input as reg_version(null)
}

test_fires_medium_on_served_mlmodel if {
	use := {"path": "serving/Dockerfile", "line": 5, "kind": "dockerfile-copy", "reference": "m"}
	m := object.union(mk_mlmodel([mk_flavor("sklearn", "cloudpickle")]), {"used_by": [use]})
	vs := deny with input as {"artifacts": {"mlmodels": [m]}}
	some v in vs
	not v.severity
	v.evidence.used_by == ["serving/Dockerfile:5 (dockerfile-copy)"]
	v.msg == "m/MLmodel: flavor 'sklearn' loads the model with cloudpickle"
}

test_fires_low_on_unused_run_artifact if {
	m := object.union(mk_mlmodel([mk_flavor("sklearn", "cloudpickle")]), {"used_by": []})
	vs := deny with input as {"artifacts": {"mlmodels": [m]}}
	some v in vs
	v.severity == "low"
	v.msg == "m/MLmodel: flavor 'sklearn' loads the model with cloudpickle; nothing in the project loads, serves or ships this model"
}
