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
