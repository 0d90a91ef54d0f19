package mlscan.lib.robustness_test

import data.mlscan.lib.robustness
import rego.v1

test_every_model_counts_without_assets if {
	robustness.in_scope({"impact": null}) with input as {"robustness": {"assets_configured": false}}
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
