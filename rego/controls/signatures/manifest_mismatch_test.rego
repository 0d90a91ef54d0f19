package mlscan.controls.signatures.manifest_mismatch

import data.mlscan.lib.util
import rego.v1

model(diff) := {
	"path": "models/x", "kind": "dir", "loc": util.file_loc("models/x"),
	"signature_path": "models/x.sig", "signature": {"loc": util.file_loc("models/x.sig")},
	"manifest_diff": diff,
}

test_changed_added_missing_one_finding if {
	vs := deny with input as {"signatures": {"models": [model({
		"changed": ["models/x/model.pkl"], "added": ["models/x/evil.py"],
		"missing": ["models/x/conda.yaml"],
	})]}}
	count(vs) == 1
	some v in vs
	v.msg == "Model models/x differs from its signed manifest models/x.sig (changed: models/x/model.pkl; added: models/x/evil.py; missing: models/x/conda.yaml)"
	v.loc.path == "models/x"
	[r.path | some r in v.related] == ["models/x/model.pkl", "models/x/evil.py", "models/x.sig"]
}

test_clean_manifest_silent if {
	vs := deny with input as {"signatures": {"models": [model({"changed": [], "added": [], "missing": []})]}}
	count(vs) == 0
}

test_unsigned_model_silent if {
	vs := deny with input as {"signatures": {"models": [model(null)]}}
	count(vs) == 0
}

reg_version(diff) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null},
	"signature": {"path": "models:/credit/3/model.sig"}, "manifest_diff": diff,
}]}}

test_fires_registry_changed_file if {
	vs := deny with input as reg_version({"changed": ["models:/credit/3/model.onnx"], "added": [], "missing": []})
	count(vs) == 1
	some v in vs
	v.msg == "Model version models:/credit/3 differs from its signed manifest models:/credit/3/model.sig (changed: models:/credit/3/model.onnx)"
	v.logical_location == "models:/credit/3"
	v.loc.path == "models:/credit/3"
}

test_silent_registry_clean if {
	count(deny) == 0 with input as reg_version({"changed": [], "added": [], "missing": []})
}

test_silent_registry_not_downloaded if {
	count(deny) == 0 with input as reg_version(null)
}
