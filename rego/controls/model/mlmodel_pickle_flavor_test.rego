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
