package mlscan.controls.model.dangerous_imports

import rego.v1

mk_file(path, globals) := {
	"path": path, "format": "pickle", "dangerous_globals": globals, "sha256": "ab",
	"loc": {"path": path, "line": null, "col": null, "end_line": null, "end_col": null},
}

test_fires_and_names_the_import if {
	vs := deny with input as {"artifacts": {"files": [mk_file("models/m.pkl", ["os.system"])]}}
	some v in vs
	contains(v.msg, "imports os.system")
	v.asset == "models/m.pkl"
}

test_names_every_import if {
	vs := deny with input as {"artifacts": {"files": [mk_file("m.pkl", ["builtins.exec", "os.system"])]}}
	some v in vs
	contains(v.msg, "imports builtins.exec, os.system")
}

test_silent_on_clean_pickle if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file("models/m.pkl", [])]}}
}

reg_version(files) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null}, "model_files": files,
}]}}

reg_file(extra) := object.union({
	"path": "model.pkl", "logical_path": "models:/credit/3/model.pkl", "format": "pickle",
	"pickle_based": true, "dangerous_globals": [], "lambda_layers": [], "tf_file_ops": [],
	"sha256": "ab",
}, extra)

test_fires_registry_dangerous_import if {
	vs := deny with input as reg_version([reg_file({"dangerous_globals": ["os.system"]})])
	count(vs) == 1
	some v in vs
	v.msg == "models:/credit/3/model.pkl imports os.system; loading this pickle model runs that code"
	v.logical_location == "models:/credit/3"
	v.key == "model.pkl"
}

test_silent_registry_clean_pickle if {
	count(deny) == 0 with input as reg_version([reg_file({})])
}
