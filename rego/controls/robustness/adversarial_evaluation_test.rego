package mlscan.controls.robustness.adversarial_evaluation

import rego.v1

anchor_loc := {"path": "dvc.yaml", "line": null, "col": null, "end_line": null, "end_col": null}

rob(models, evidence) := {"robustness": {
	"assets_configured": true, "anchor": anchor_loc, "models": models, "evidence": evidence,
}}

credit := {"path": "models/credit", "impact": "critical"}

test_fires_without_evidence if {
	vs := deny with input as rob([credit], [])
	count(vs) == 1
	some v in vs
	v.loc.path == "dvc.yaml"
	v.evidence.models == ["models/credit"]
}

test_silent_with_dvc_stage if {
	count(deny) == 0 with input as rob([credit], [{"kind": "dvc-stage", "tool": "textattack", "loc": anchor_loc}])
}

test_silent_for_low_impact_models if {
	count(deny) == 0 with input as rob([{"path": "models/x", "impact": "medium"}], [])
}

test_fires_for_gating_models_without_assets if {
	doc := {"robustness": {"assets_configured": false, "anchor": anchor_loc, "evidence": [], "models": [
		{"path": "models/churn-model", "impact": null}, {"path": "models/spam_filter.onnx", "impact": null},
		{"path": "models/loan.pkl", "impact": null}, {"path": "models/iris.joblib", "impact": null},
	]}}
	vs := deny with input as doc
	some v in vs
	v.evidence.models == ["models/churn-model", "models/loan.pkl", "models/spam_filter.onnx"]
}

test_silent_for_a_demo_model_without_assets if {
	doc := {"robustness": {"assets_configured": false, "anchor": anchor_loc, "evidence": [], "models": [{"path": "app/models/iris_model.joblib", "impact": null}]}}
	count(deny) == 0 with input as doc
}

test_personal_training_data_brings_every_model_in_without_assets if {
	doc := {
		"robustness": {"assets_configured": false, "anchor": anchor_loc, "evidence": [], "models": [{"path": "models/sentiment.pkl", "impact": null}]},
		"datasets": {"files": [{"path": "data/reviews.csv", "personal_data": [{"column": "email"}]}]},
	}
	some v in deny with input as doc
	v.evidence.models == ["models/sentiment.pkl"]
}
