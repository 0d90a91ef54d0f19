package mlscan.controls.serving.plaintext_registry

import rego.v1

_w(name, value, scheme) := {"address": "Deployment.ml.scorer", "containers": [{"env": [
	{"name": name, "value": value, "scheme": scheme, "loc": {"path": "k.yaml", "line": 24}},
]}]}

test_http_tracking_uri if {
	vs := deny with input as {"serving": {"workloads": [_w("MLFLOW_TRACKING_URI", "http://mlflow:5000", "http")]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 24
}

test_https_is_silent if {
	count(deny) == 0 with input as {"serving": {"workloads": [_w("MLFLOW_TRACKING_URI", "https://mlflow.example", "https")]}}
}

test_loopback_is_silent if {
	count(deny) == 0 with input as {"serving": {"workloads": [_w("MLFLOW_TRACKING_URI", "http://localhost:5000", "http")]}}
}

test_other_variables_are_silent if {
	count(deny) == 0 with input as {"serving": {"workloads": [_w("DOCS_URL", "http://docs", "http")]}}
}
