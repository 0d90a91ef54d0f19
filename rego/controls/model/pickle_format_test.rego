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
