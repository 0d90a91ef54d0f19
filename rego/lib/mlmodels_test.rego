package mlscan.lib.mlmodels_test

import data.mlscan.lib.mlmodels
import rego.v1

_m := {"path": "models/credit/MLmodel", "dir": "models/credit", "loc": {"path": "models/credit/MLmodel", "line": null}, "flavors": []}

_version := {"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null}, "mlmodel": {"flavors": []}}

_doc := {"artifacts": {"mlmodels": [_m]}, "mlflow_registry": {"versions": [_version, {"logical_location": "models:/x/1", "mlmodel": null}]}}

test_workspace_and_registry_mlmodels_in_one_shape if {
	found := mlmodels.all_mlmodels with input as _doc
	count(found) == 2
	some w in found
	not w.registry
	[w.file, w.dir, w.asset] == ["models/credit/MLmodel", "models/credit", "models/credit"]
	some r in found
	r.registry
	[r.file, r.dir, r.asset] == ["models:/credit/3", "models:/credit/3", "models:/credit/3"]
}

test_violation_points_at_the_file_or_the_version if {
	found := mlmodels.all_mlmodels with input as _doc
	some w in found
	not w.registry
	v := mlmodels.violation(w, "m", {"path": "models/credit/MLmodel", "line": 7}, {"key": "k"})
	v == {"msg": "m", "loc": {"path": "models/credit/MLmodel", "line": 7}, "asset": "models/credit", "key": "k"}
	some r in found
	r.registry
	u := mlmodels.violation(r, "m", {"path": "models/credit/MLmodel", "line": 7}, {})
	u == {"msg": "m", "loc": {"path": "models:/credit/3", "line": null}, "asset": "models:/credit/3", "logical_location": "models:/credit/3"}
}

test_unused_mlmodel_without_uses if {
	mlmodels.unused({"registry": false, "mlmodel": {"used_by": []}})
	mlmodels.unused_note({"registry": false, "mlmodel": {"used_by": []}}) != ""
}

test_used_mlmodel_not_unused if {
	not mlmodels.unused({"registry": false, "mlmodel": {"used_by": [{"path": "a.py", "line": 1, "kind": "python-load"}]}})
	mlmodels.unused_severity({"registry": false, "mlmodel": {"used_by": [{"path": "a.py", "line": 1, "kind": "python-load"}]}}) == {}
}

test_registry_mlmodel_never_unused if {
	not mlmodels.unused({"registry": true, "mlmodel": {"used_by": []}})
}
