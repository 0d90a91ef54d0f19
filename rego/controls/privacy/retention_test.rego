package mlscan.controls.privacy.retention

import rego.v1

loc := {"path": "infra/main.tf", "line": 15, "col": 1, "end_line": 15, "end_col": 40}

bucket(roles, rules) := {"resource": "aws_s3_bucket.data", "name": "acme-data", "roles": roles, "dvc_remote": "storage", "lifecycle_rules": rules, "loc": loc}

pii := {"files": [{"path": "data/r.csv", "dvc_tracked": true, "personal_data": [{"column": "email"}]}]}

test_fires_on_dvc_remote_with_personal_data if {
	vs := deny with input as {"datasets": pii, "privacy": {"buckets": [bucket(["dvc-remote"], [])]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 15
}

test_fires_on_capture_bucket if {
	vs := deny with input as {"privacy": {"buckets": [bucket(["inference-capture"], [{"enabled": true, "expiration": false, "noncurrent_expiration": true}])]}}
	count(vs) == 1
}

test_silent_with_expiration if {
	count(deny) == 0 with input as {"datasets": pii, "privacy": {"buckets": [bucket(["dvc-remote"], [{"enabled": true, "expiration": true, "noncurrent_expiration": false}])]}}
}

test_silent_without_personal_data if {
	count(deny) == 0 with input as {"datasets": {"files": []}, "privacy": {"buckets": [bucket(["dvc-remote"], [])]}}
}
