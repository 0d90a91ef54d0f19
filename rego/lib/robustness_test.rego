package mlscan.lib.robustness_test

import data.mlscan.lib.robustness
import rego.v1

test_gating_models_count_without_assets if {
	doc := {"robustness": {"assets_configured": false}}
	robustness.in_scope({"path": "models/fraud", "impact": null}) with input as doc
	robustness.in_scope({"path": "models/patient_triage.pkl", "impact": null}) with input as doc
	robustness.in_scope({"path": "models/toxicity.onnx", "impact": null}) with input as doc
	not robustness.in_scope({"path": "models/iris.joblib", "impact": null}) with input as doc
	robustness.in_scope({"path": "models/iris.joblib", "impact": null}) with input as doc with data.mlscan.user.robustness.gating_words as `(?i)iris`
}

test_only_high_impact_counts_with_assets if {
	robustness.in_scope({"impact": "critical"}) with input as {"robustness": {"assets_configured": true}}
	robustness.in_scope({"impact": "high"}) with input as {"robustness": {"assets_configured": true}}
	not robustness.in_scope({"impact": "medium"}) with input as {"robustness": {"assets_configured": true}}
	not robustness.in_scope({"impact": null}) with input as {"robustness": {"assets_configured": true}}
}

test_user_impacts_replace_the_builtin_ones if {
	doc := {"robustness": {"assets_configured": true}}
	not robustness.in_scope({"impact": "high"}) with input as doc with data.mlscan.user.robustness.impacts as {"critical"}
	robustness.in_scope({"impact": "medium"}) with input as doc with data.mlscan.user.robustness.impacts as ["medium"]
}
