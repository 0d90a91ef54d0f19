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

test_unused_workspace_file_without_uses if {
	model_artifacts.unused({"key": "", "file": {"used_by": []}})
}

test_used_workspace_file_not_unused if {
	not model_artifacts.unused({"key": "", "file": {"used_by": [{"path": "a.py", "line": 1, "kind": "python-load"}]}})
}

test_registry_file_never_unused if {
	not model_artifacts.unused({"key": "model.pkl", "file": {"used_by": []}})
}

test_unused_severity_low if {
	model_artifacts.unused_severity({"key": "", "file": {"used_by": []}}) == {"severity": "low"}
}
