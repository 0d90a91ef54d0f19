package mlscan.controls.serving.plaintext_registry

import rego.v1

_w(name, value, scheme) := {"address": "Deployment.ml.scorer", "kind": "Deployment", "namespace": "ml", "name": "scorer", "serving_hints": ["image:tritonserver"], "ports": ["8000"], "containers": [{"env": [
	{"name": name, "value": value, "scheme": scheme, "loc": {"path": "k.yaml", "line": 24}},
]}]}

test_fires_on_http_tracking_uri if {
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

test_silent_for_training_client_on_compose_network if {
	w := {"address": "compose.trainer", "kind": "compose-service", "namespace": "", "name": "trainer",
		"serving_hints": ["env:MODEL_NAME"], "ports": [], "containers": [{"env": [
			{"name": "MLFLOW_TRACKING_URI", "value": "http://mlflow:5000", "scheme": "http", "loc": {"path": "compose.yml", "line": 9}},
		]}]}
	count(deny) == 0 with input as {"serving": {"workloads": [w]}}
}

test_silent_for_model_named_trainer_with_a_port if {
	w := {"address": "compose.model-trainer", "kind": "compose-service", "namespace": "", "name": "model-trainer",
		"serving_hints": ["name:model-trainer"], "ports": ["8888"], "containers": [{"env": [
			{"name": "MLFLOW_TRACKING_URI", "value": "http://mlflow:5000", "scheme": "http", "loc": {"path": "compose.yml", "line": 9}},
		]}]}
	count(deny) == 0 with input as {"serving": {"workloads": [w]}}
}
