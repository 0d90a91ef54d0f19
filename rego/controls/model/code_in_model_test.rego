package mlscan.controls.model.code_in_model

import rego.v1

mk_file(path, lambdas, ops) := {
	"path": path, "format": "keras", "lambda_layers": lambdas, "tf_file_ops": ops,
	"loc": {"path": path, "line": null, "col": null, "end_line": null, "end_col": null},
}

test_fires_on_lambda if {
	vs := deny with input as {"artifacts": {"files": [mk_file("m.keras", ["lambda_1"], [])]}}
	some v in vs
	contains(v.msg, "Lambda layer(s) lambda_1")
	v.key == "lambda"
}

test_fires_on_tf_ops if {
	vs := deny with input as {"artifacts": {"files": [mk_file("sm/saved_model.pb", [], ["ReadFile", "WriteFile"])]}}
	some v in vs
	contains(v.msg, "ReadFile, WriteFile")
}

test_silent_on_plain_model if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file("m.keras", [], [])]}}
}

reg_version(files) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null}, "model_files": files,
}]}}

reg_file(extra) := object.union({
	"path": "model.pkl", "logical_path": "models:/credit/3/model.pkl", "format": "pickle",
	"pickle_based": true, "dangerous_globals": [], "lambda_layers": [], "tf_file_ops": [],
	"sha256": "ab",
}, extra)

test_fires_registry_lambda if {
	vs := deny with input as reg_version([reg_file({"path": "m.keras", "logical_path": "models:/credit/3/m.keras", "lambda_layers": ["lambda_1"]})])
	count(vs) == 1
	some v in vs
	startswith(v.msg, "models:/credit/3/m.keras contains Keras Lambda layer(s) lambda_1")
	v.logical_location == "models:/credit/3"
}

test_silent_registry_plain_model if {
	count(deny) == 0 with input as reg_version([reg_file({})])
}
