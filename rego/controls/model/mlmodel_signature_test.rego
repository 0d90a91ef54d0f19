package mlscan.controls.model.mlmodel_signature

import rego.v1

mk_mlmodel(present, inputs) := {
	"path": "m/MLmodel", "dir": "m",
	"loc": {"path": "m/MLmodel", "line": null},
	"signature": {"present": present, "inputs": inputs, "outputs": true, "loc": {"path": "m/MLmodel", "line": 12}},
}

test_fires_without_signature if {
	vs := deny with input as {"artifacts": {"mlmodels": [mk_mlmodel(false, false)]}}
	some v in vs
	v.loc.line == null
}

test_fires_on_outputs_only_signature if {
	vs := deny with input as {"artifacts": {"mlmodels": [mk_mlmodel(true, false)]}}
	some v in vs
	v.loc.line == 12
}

test_silent_with_inputs if {
	count(deny) == 0 with input as {"artifacts": {"mlmodels": [mk_mlmodel(true, true)]}}
}

reg_version(mlmodel) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null}, "mlmodel": mlmodel,
}]}}

test_fires_registry_without_input_signature if {
	vs := deny with input as reg_version(mk_mlmodel(false, false))
	count(vs) == 1
	some v in vs
	v.loc.path == "models:/credit/3"
	v.logical_location == "models:/credit/3"
	startswith(v.msg, "models:/credit/3 has no input signature")
}

test_silent_registry_with_inputs if {
	count(deny) == 0 with input as reg_version(mk_mlmodel(true, true))
}

test_fires_medium_on_loaded_mlmodel if {
	use := {"path": "app.py", "line": 3, "kind": "python-load", "reference": "m"}
	m := object.union(mk_mlmodel(false, false), {"used_by": [use]})
	vs := deny with input as {"artifacts": {"mlmodels": [m]}}
	some v in vs
	not v.severity
	v.msg == "m/MLmodel has no input signature; served requests are not validated against a schema"
}

test_fires_low_on_unused_mlmodel if {
	m := object.union(mk_mlmodel(false, false), {"used_by": []})
	vs := deny with input as {"artifacts": {"mlmodels": [m]}}
	some v in vs
	v.severity == "low"
	endswith(v.msg, "; nothing in the project loads, serves or ships this model")
}
