package mlscan.controls.mlflow.credentials_in_uri

import rego.v1

mk_server(has_pw) := {
	"kind": "server", "path": "k8s/mlflow.yaml", "service": "mlflow/server",
	"backend_store_uri": "postgresql://mlflow:***@db/mlflow",
	"backend_store_uri_has_password": has_pw,
	"backend_store_uri_loc": {"path": "k8s/mlflow.yaml", "line": 21, "col": 13},
}

test_fires_on_backend_uri_password if {
	vs := deny with input as {"mlflow": {"servers": [mk_server(true)]}}
	some v in vs
	v.loc.line == 21
	not contains(v.msg, "FAKE")
}

test_fires_on_env_password if {
	env := {"name": "MLFLOW_BACKEND_STORE_URI", "service": "mlflow", "path": "c.yml", "has_password": true, "loc": {"path": "c.yml", "line": 3}}
	count(deny) == 1 with input as {"mlflow": {"environment": [env]}}
}

test_silent_without_password if {
	count(deny) == 0 with input as {"mlflow": {"servers": [mk_server(false)], "environment": [], "auth_configs": []}}
}

test_fires_on_chart_value_password if {
	srv := object.union(mk_server(true), {"backend_store_uri_setting": "backendStore.postgres.password"})
	some v in deny with input as {"mlflow": {"servers": [srv]}}
	contains(v.msg, "chart value backendStore.postgres.password")
}
