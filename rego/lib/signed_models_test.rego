package mlscan.lib.signed_models_test

import data.mlscan.lib.signed_models
import data.mlscan.lib.util
import rego.v1

_doc := {
	"signatures": {"models": [
		{
			"path": "models/x", "signed": true, "loc": util.file_loc("models/x"),
			"signature_path": "models/x.sig", "signature": {"loc": util.file_loc("models/x.sig")},
			"manifest_diff": {"changed": []},
		},
		{"path": "models/y.pkl", "signed": false, "loc": util.file_loc("models/y.pkl"), "signature": null, "manifest_diff": null},
	]},
	"mlflow_registry": {"versions": [
		{
			"logical_location": "models:/credit/3", "loc": util.file_loc("models:/credit/3"),
			"signature": {"path": "models:/credit/3/model.sig"}, "manifest_diff": null,
		},
		{"logical_location": "models:/credit/4", "loc": util.file_loc("models:/credit/4"), "signature": null},
	]},
}

test_signed_workspace_models_and_registry_versions if {
	found := signed_models.all_signed with input as _doc
	{m.label | some m in found} == {"Model models/x", "Model version models:/credit/3"}
	some w in found
	not w.registry
	w.related == [util.file_loc("models/x.sig")]
	w.signature == "models/x.sig"
	some r in found
	r.registry
	r.extra == {"logical_location": "models:/credit/3"}
	r.signature == "models:/credit/3/model.sig"
}
