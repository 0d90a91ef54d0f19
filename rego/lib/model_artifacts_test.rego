package mlscan.lib.model_artifacts_test

import data.mlscan.lib.model_artifacts
import rego.v1

_ws := {"path": "models/m.pkl", "loc": {"path": "models/m.pkl", "line": null}, "format": "pickle"}

_reg := {"path": "model/model.pkl", "logical_path": "models:/credit/3/model/model.pkl", "format": "pickle"}

_doc := {
	"artifacts": {"files": [_ws]},
	"mlflow_registry": {"versions": [{
		"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null},
		"model_files": [_reg],
	}]},
}

test_workspace_and_registry_files_in_one_shape if {
	files := model_artifacts.files with input as _doc
	count(files) == 2
	some w in files
	w.name == "models/m.pkl"
	w.asset == "models/m.pkl"
	w.key == ""
	some r in files
	r.name == "models:/credit/3/model/model.pkl"
	r.asset == "models:/credit/3"
	r.key == "model/model.pkl"
	r.extra == {"logical_location": "models:/credit/3"}
}

test_violation_keys if {
	files := model_artifacts.files with input as _doc
	some w in files
	w.key == ""
	model_artifacts.violation(w, "m", "", {"a": 1}) == {"msg": "m", "loc": w.loc, "asset": "models/m.pkl", "key": "", "evidence": {"a": 1}}
	model_artifacts.violation(w, "m", "lambda", {}).key == "lambda"
	some r in files
	r.key != ""
	model_artifacts.violation(r, "m", "", {}).key == "model/model.pkl"
	v := model_artifacts.violation(r, "m", "lambda", {"a": 1})
	v.key == "lambda:model/model.pkl"
	v.logical_location == "models:/credit/3"
	v.evidence == {"file": "model/model.pkl", "a": 1}
}

test_no_files_without_facts if {
	count(model_artifacts.files) == 0 with input as {}
}
