package mlscan.lib.privacy_test

import data.mlscan.lib.privacy
import rego.v1

test_decision_model_by_folder_asset_or_impact if {
	privacy.decision_model({"path": "models/Credit-Risk", "asset": null, "impact": null})
	privacy.decision_model({"path": "models/m1", "asset": "loan approvals", "impact": null})
	privacy.decision_model({"path": "models/m1", "asset": null, "impact": "high"})
}

test_decision_model_by_experiment_or_dataset_name if {
	privacy.decision_model({"path": "train.py", "asset": null, "impact": null, "names": ["data/credit_2023.csv"]})
	not privacy.decision_model({"path": "train.py", "asset": null, "impact": null, "names": ["data/wine.csv"]})
}

test_other_model_is_not_a_decision_model if {
	not privacy.decision_model({"path": "models/sentiment", "asset": "reviews", "impact": "medium"})
	not privacy.decision_model({"path": "models/sentiment", "asset": null, "impact": null})
	# a scoring script is not a credit score, a YAML file is not anti-money-laundering
	not privacy.decision_model({"path": "code/score.py", "asset": null, "impact": null})
	not privacy.decision_model({"path": "deploy/model.yaml", "asset": null, "impact": null})
}

test_user_decision_words_replace_the_builtin_ones if {
	m := {"path": "models/churn", "asset": null, "impact": null}
	not privacy.decision_model(m)
	privacy.decision_model(m) with data.mlscan.user.privacy.decision_words as `(?i)churn`
	not privacy.decision_model({"path": "models/credit", "asset": null, "impact": null}) with data.mlscan.user.privacy.decision_words as `(?i)churn`
}

test_protected_inputs_by_token if {
	fs := [
		{"name": "AGE", "tokens": ["age"]}, {"name": "usage_hours", "tokens": ["usage", "hours"]},
		{"name": "MARRIAGE", "tokens": ["marriage"]}, {"name": "income", "tokens": ["income"]},
	]
	privacy.protected_inputs(fs) == ["AGE (age)", "MARRIAGE (marital-status)"]
	privacy.protected_inputs(fs) == ["AGE (age)"] with data.mlscan.user.privacy.protected_words as {"age": "age"}
}

test_payload_personal_reasons if {
	img := {"names": ["code/score.py", "run"], "fields": [{"name": "image", "tokens": ["image"], "personal": null}]}
	privacy.payload_personal(img) == []
	mail := {"names": ["api/tickets.py", "route"], "fields": [{"name": "email", "tokens": ["email"], "personal": "email"}]}
	privacy.payload_personal(mail) == ["it has personal fields: email (email)"]
	loan := {"names": ["svc.py", "predict", "LoanRequest"], "fields": []}
	privacy.payload_personal(loan) == ["the service decides about people (LoanRequest)"]
	ds := {"datasets": {"files": [{"path": "data/r.csv", "personal_data": [{"column": "email"}]}]}}
	privacy.payload_personal(img) == ["the project's data holds personal data (data/r.csv)"] with input as ds
}
