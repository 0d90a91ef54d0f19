package mlscan.controls.serving.rate_limit

import rego.v1

_w := {"address": "Deployment.ml.scorer", "serving_hints": ["image:tritonserver"], "containers": []}

_svc(type) := {"address": "Service.ml.api", "name": "api", "namespace": "ml", "type": type, "annotations": {},
	"selects": ["Deployment.ml.scorer"], "type_loc": {"path": "k.yaml", "line": 7}, "loc": {"path": "k.yaml", "line": 1}}

_ing(annotations) := {"address": "Ingress.ml.api", "name": "api", "namespace": "ml", "backends": ["api"], "hosts": [],
	"annotations": annotations, "annotation_keys": object.keys(annotations), "loc": {"path": "k.yaml", "line": 20}}

test_ingress_without_rate_limit if {
	vs := deny with input as {"serving": {"workloads": [_w], "services": [_svc("ClusterIP")], "ingresses": [_ing({})]}}
	count(vs) == 1
}

test_ingress_with_limit_rps_is_silent if {
	a := {"nginx.ingress.kubernetes.io/limit-rps": "10"}
	count(deny) == 0 with input as {"serving": {"workloads": [_w], "services": [_svc("ClusterIP")], "ingresses": [_ing(a)]}}
}

test_bare_load_balancer if {
	count(deny) == 1 with input as {"serving": {"workloads": [_w], "services": [_svc("LoadBalancer")]}}
}

_route(api, serves) := {"kind": "api-gateway", "name": "aws_apigatewayv2_route.predict", "api": api,
	"serves_model": serves, "public": true, "app_auth": [], "model_evidence": [], "loc": {"path": "gw.tf", "line": 5}}

_stage(throttled) := {"address": "aws_apigatewayv2_stage.live", "name": "live", "api": "gw:aws_apigatewayv2_api.http",
	"throttled": throttled, "throttle_evidence": [], "loc": {"path": "gw.tf", "line": 20}}

test_fires_on_unthrottled_stage_of_a_model_api if {
	vs := deny with input as {"serving": {"endpoints": [_route("gw:aws_apigatewayv2_api.http", true)], "api_stages": [_stage(false)]}}
	some v in vs
	v.loc.line == 20
	count(vs) == 1
}

test_silent_on_throttled_stage if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_route("gw:aws_apigatewayv2_api.http", true)], "api_stages": [_stage(true)]}}
}

test_silent_on_stage_of_an_api_without_model_routes if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_route("gw:aws_apigatewayv2_api.http", false)], "api_stages": [_stage(false)]}}
}

test_silent_on_stage_of_another_api if {
	count(deny) == 0 with input as {"serving": {"endpoints": [_route("gw:aws_apigatewayv2_api.other", true)], "api_stages": [_stage(false)]}}
}
