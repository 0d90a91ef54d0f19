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
