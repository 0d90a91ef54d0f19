package mlscan.controls.mlflow.server_without_auth

import rego.v1

mk_srv(host, auth) := {
	"kind": "server", "source": "compose", "path": "deploy/docker-compose.yml", "service": "mlflow",
	"host": host, "auth_enabled": auth,
	"host_loc": {"path": "deploy/docker-compose.yml", "line": 7, "col": 9},
	"loc": {"path": "deploy/docker-compose.yml", "line": 5, "col": 7},
}

test_fires_on_public_host_without_auth if {
	vs := deny with input as {"mlflow": {"servers": [mk_srv("0.0.0.0", false)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 7
	contains(v.msg, "0.0.0.0")
}

test_silent_with_basic_auth if {
	count(deny) == 0 with input as {"mlflow": {"servers": [mk_srv("0.0.0.0", true)]}}
}

test_silent_on_loopback if {
	count(deny) == 0 with input as {"mlflow": {"servers": [mk_srv("127.0.0.1", false)]}}
}

test_silent_when_host_defaults_to_loopback if {
	count(deny) == 0 with input as {"mlflow": {"servers": [mk_srv(null, false)]}}
}

helm_srv(value) := object.union(mk_srv("0.0.0.0", false), {
	"source": "helm-values", "path": "deploy/values.yaml", "service": "mlflow", "chart": "community",
	"auth_setting": "auth.enabled", "auth_setting_value": value, "host_loc": null,
	"loc": {"path": "deploy/values.yaml", "line": 3, "col": 12},
})

test_fires_on_chart_values_with_auth_off if {
	some v in deny with input as {"mlflow": {"servers": [helm_srv(false)]}}
	v.loc.line == 3
	contains(v.msg, "auth.enabled is false")
}

test_fires_on_chart_default_without_auth if {
	some v in deny with input as {"mlflow": {"servers": [helm_srv(null)]}}
	contains(v.msg, "the community chart defaults to no authentication")
}

test_silent_on_dockerfile_default_when_deployments_set_the_command if {
	df := object.union(mk_srv("0.0.0.0", false), {"source": "dockerfile", "path": "Dockerfile"})
	dep := object.union(mk_srv("0.0.0.0", true), {"image": "acme/tracking:3"})
	count(deny) == 0 with input as {"mlflow": {"servers": [df, dep]}}
}

test_fires_on_dockerfile_default_beside_a_published_image_deployment if {
	df := object.union(mk_srv("0.0.0.0", false), {"source": "dockerfile", "path": "Dockerfile"})
	dep := object.union(mk_srv("0.0.0.0", true), {"image": "ghcr.io/mlflow/mlflow:v3.1.0"})
	count(deny) == 1 with input as {"mlflow": {"servers": [df, dep]}}
}

test_fires_on_dockerfile_default_without_other_deployment if {
	df := object.union(mk_srv("0.0.0.0", false), {"source": "dockerfile", "path": "Dockerfile"})
	count(deny) == 1 with input as {"mlflow": {"servers": [df]}}
}
