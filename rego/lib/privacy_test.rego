package mlscan.lib.privacy_test

import data.mlscan.lib.privacy
import rego.v1

test_decision_model_by_folder_asset_or_impact if {
	privacy.decision_model({"path": "models/Credit-Risk", "asset": null, "impact": null})
	privacy.decision_model({"path": "models/m1", "asset": "loan approvals", "impact": null})
	privacy.decision_model({"path": "models/m1", "asset": null, "impact": "high"})
}

test_other_model_is_not_a_decision_model if {
	not privacy.decision_model({"path": "models/sentiment", "asset": "reviews", "impact": "medium"})
	not privacy.decision_model({"path": "models/sentiment", "asset": null, "impact": null})
}

test_user_decision_words_replace_the_builtin_ones if {
	m := {"path": "models/churn", "asset": null, "impact": null}
	not privacy.decision_model(m)
	privacy.decision_model(m) with data.mlscan.user.privacy.decision_words as `(?i)churn`
	not privacy.decision_model({"path": "models/credit", "asset": null, "impact": null}) with data.mlscan.user.privacy.decision_words as `(?i)churn`
}
