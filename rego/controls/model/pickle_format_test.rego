package mlscan.controls.model.pickle_format

import rego.v1

mk_file(path, fmt, pickled) := {
	"path": path, "format": fmt, "pickle_based": pickled, "sha256": "ab",
	"loc": {"path": path, "line": null, "col": null, "end_line": null, "end_col": null},
}

test_fires_on_pickle if {
	vs := deny with input as {"artifacts": {"files": [mk_file("models/m.pkl", "pickle", true)]}}
	some v in vs
	v.asset == "models/m.pkl"
	contains(v.msg, "pickle-based")
}

test_fires_on_torch_zip if {
	vs := deny with input as {"artifacts": {"files": [mk_file("models/m.pt", "pytorch", true)]}}
	count(vs) == 1
}

test_silent_on_safetensors if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file("models/m.safetensors", "safetensors", false)]}}
}

test_silent_without_artifacts if {
	count(deny) == 0 with input as {}
}

reg_version(files) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null}, "model_files": files,
}]}}

reg_file(extra) := object.union({
	"path": "model.pkl", "logical_path": "models:/credit/3/model.pkl", "format": "pickle",
	"pickle_based": true, "dangerous_globals": [], "lambda_layers": [], "tf_file_ops": [],
	"sha256": "ab",
}, extra)

test_fires_registry_pickle_file if {
	vs := deny with input as reg_version([reg_file({})])
	count(vs) == 1
	some v in vs
	v.msg == "models:/credit/3/model.pkl is a pickle-based model file (pickle); loading it can run arbitrary code"
	v.loc.path == "models:/credit/3"
	v.logical_location == "models:/credit/3"
}

test_silent_registry_onnx if {
	count(deny) == 0 with input as reg_version([reg_file({"path": "m.onnx", "format": "onnx", "pickle_based": false})])
}

used_file(path, used) := object.union(mk_file(path, "joblib", true), {"used_by": used})

test_fires_medium_on_loaded_pickle if {
	use := {"path": "app/main.py", "line": 12, "kind": "python-load", "reference": "models/m.joblib"}
	vs := deny with input as {"artifacts": {"files": [used_file("models/m.joblib", [use])]}}
	some v in vs
	not v.severity
	v.evidence.used_by == ["app/main.py:12 (python-load)"]
	v.msg == "models/m.joblib is a pickle-based model file (joblib); loading it can run arbitrary code"
}

test_fires_low_on_unused_pickle if {
	vs := deny with input as {"artifacts": {"files": [used_file("runs/1/model.joblib", [])]}}
	some v in vs
	v.severity == "low"
	contains(v.msg, "nothing in the project loads it")
}

test_fires_medium_without_use_facts if {
	# an older fact document (or a partial scan) without used_by keeps the control's severity
	vs := deny with input as {"artifacts": {"files": [mk_file("models/m.pkl", "pickle", true)]}}
	some v in vs
	not v.severity
}
