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
