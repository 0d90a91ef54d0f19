package mlscan.controls.serving.exposed_endpoint

import rego.v1

_w(images) := {"address": "Deployment.ml.scorer", "kind": "Deployment", "serving_hints": ["env:MODEL_URI"],
	"containers": [{"name": sprintf("c%d", [i]), "image": img} | some i, img in images]}

_svc(type, annotations) := {"address": "Service.ml.api", "name": "api", "namespace": "ml", "type": type,
	"annotations": annotations, "selects": ["Deployment.ml.scorer"],
	"type_loc": {"path": "k8s/s.yaml", "line": 7}, "loc": {"path": "k8s/s.yaml", "line": 1}}

_ing(annotations) := {"address": "Ingress.ml.api", "name": "api", "namespace": "ml", "backends": ["api"],
	"hosts": ["api.example"], "annotations": annotations, "annotation_keys": object.keys(annotations),
	"loc": {"path": "k8s/s.yaml", "line": 20}}

test_load_balancer_to_model_server if {
	vs := deny with input as {"serving": {"workloads": [_w(["acme/scorer:1"])], "services": [_svc("LoadBalancer", {})]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 7
}

test_internal_load_balancer_is_silent if {
	a := {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}
	count(deny) == 0 with input as {"serving": {"workloads": [_w(["acme/scorer:1"])], "services": [_svc("LoadBalancer", a)]}}
}

test_cluster_ip_is_silent if {
	count(deny) == 0 with input as {"serving": {"workloads": [_w(["acme/scorer:1"])], "services": [_svc("ClusterIP", {})]}}
}

test_oauth2_proxy_sidecar_is_auth if {
	count(deny) == 0 with input as {"serving": {"workloads": [_w(["acme/scorer:1", "quay.io/oauth2-proxy/oauth2-proxy:v7"])],
		"services": [_svc("NodePort", {})]}}
}

test_ingress_without_auth if {
	vs := deny with input as {"serving": {"workloads": [_w(["acme/scorer:1"])], "services": [_svc("ClusterIP", {})],
		"ingresses": [_ing({})]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 20
}

test_ingress_with_auth_url_is_silent if {
	a := {"nginx.ingress.kubernetes.io/auth-url": "https://auth.example/oauth2/auth"}
	count(deny) == 0 with input as {"serving": {"workloads": [_w(["acme/scorer:1"])], "services": [_svc("ClusterIP", {})],
		"ingresses": [_ing(a)]}}
}

_isvc(extra) := object.union({"kind": "kserve", "name": "fraud", "namespace": "ml", "path": "k/isvc.yaml",
	"loc": {"path": "k/isvc.yaml", "line": 1}, "serves_model": true,
	"model_evidence": ["manifest:InferenceService", "storageUri:s3://m/fraud"], "visibility": null,
	"default_external": true, "reached_through": [], "app_auth": [], "request_authentication": [],
	"binds": [], "routes": [], "debug": []}, extra)

test_fires_on_kserve_without_cluster_local_or_policy if {
	vs := deny with input as {"serving": {"endpoints": [_isvc({})]}}
	some v in vs
	v.loc.path == "k/isvc.yaml"
	contains(v.msg, "KServe InferenceService ml/fraud")
}

test_fires_on_httproute_and_notes_request_authentication if {
	r := {"kind": "HTTPRoute", "name": "fraud", "parents": ["public-gw"], "loc": {"path": "k/route.yaml", "line": 1}}
	e := _isvc({"default_external": false, "visibility": "cluster-local", "reached_through": [r], "request_authentication": ["jwt"]})
	some v in deny with input as {"serving": {"endpoints": [e]}}
	contains(v.msg, "HTTPRoute fraud (gateways public-gw)")
	contains(v.msg, "RequestAuthentication jwt alone")
}

test_silent_on_cluster_local_kserve if {
	e := _isvc({"default_external": false, "visibility": "cluster-local"})
	count(deny) == 0 with input as {"serving": {"endpoints": [e]}}
}

test_silent_with_authorization_policy if {
	e := _isvc({"app_auth": ["istio-authorization-policy:require-jwt"]})
	count(deny) == 0 with input as {"serving": {"endpoints": [e]}}
}

test_fires_on_public_cloud_run_model if {
	e := {"kind": "cloud-run", "name": "scorer", "serves_model": true, "model_evidence": ["name:scorer"], "app_auth": [],
		"public": true, "public_reason": "roles/run.invoker granted to allUsers",
		"public_loc": {"path": "run.tf", "line": 12}, "loc": {"path": "run.tf", "line": 1}}
	some v in deny with input as {"serving": {"endpoints": [e]}}
	v.loc.line == 12
}

_gw(internal) := {"api": "gateway-api", "name": "edge", "namespace": "ml", "internal": internal,
	"listeners": [{"name": "http", "protocol": "HTTP", "port": 80, "hostname": null, "tls_mode": null, "routes_from": "All"}],
	"loc": {"path": "k/gw.yaml", "line": 1}}

test_fires_on_httproute_naming_the_gateway_listeners if {
	r := {"kind": "HTTPRoute", "name": "fraud", "parents": ["edge"], "gateways": [_gw(false)], "loc": {"path": "k/route.yaml", "line": 1}}
	e := _isvc({"default_external": false, "visibility": "cluster-local", "reached_through": [r]})
	some v in deny with input as {"serving": {"endpoints": [e]}}
	contains(v.msg, "HTTPRoute fraud (gateways edge: HTTP :80)")
}

test_silent_on_route_to_an_internal_gateway if {
	r := {"kind": "HTTPRoute", "name": "fraud", "parents": ["edge"], "gateways": [_gw(true)], "loc": {"path": "k/route.yaml", "line": 1}}
	e := _isvc({"default_external": false, "visibility": "cluster-local", "reached_through": [r]})
	count(deny) == 0 with input as {"serving": {"endpoints": [e]}}
}

test_silent_on_virtual_service_bound_to_the_mesh_only if {
	r := {"kind": "VirtualService", "name": "fraud", "parents": ["mesh"], "gateways": [], "loc": {"path": "k/vs.yaml", "line": 1}}
	e := _isvc({"default_external": false, "visibility": "cluster-local", "reached_through": [r]})
	count(deny) == 0 with input as {"serving": {"endpoints": [e]}}
}

_route_input(policies) := {"serving": {
	"workloads": [{"address": "Deployment.ml.scorer", "name": "scorer", "namespace": "ml", "kind": "Deployment",
		"labels": {"app": "scorer"}, "serving_hints": ["image:tritonserver"], "containers": [], "ports": ["8000"]}],
	"services": [{"address": "Service.ml.scorer", "name": "scorer", "namespace": "ml", "type": "ClusterIP", "annotations": {},
		"selects": ["Deployment.ml.scorer"], "type_loc": {"path": "k/svc.yaml", "line": 7}, "loc": {"path": "k/svc.yaml", "line": 1}}],
	"gateway_routes": [{"kind": "HTTPRoute", "name": "scorer", "namespace": "ml", "backends": ["scorer"], "parents": ["edge"],
		"auth_annotations": [], "gateways": [_gw(false)], "loc": {"path": "k/route.yaml", "line": 3}}],
	"authorization_policies": policies,
}}

test_fires_on_model_service_published_by_a_gateway_route if {
	some v in deny with input as _route_input([])
	v.loc.line == 3
	contains(v.msg, "HTTPRoute ml/scorer publishes model server Service scorer")
}

test_silent_on_gateway_route_to_a_service_behind_an_authorization_policy if {
	pol := {"name": "callers", "namespace": "ml", "action": "ALLOW", "requires_identity": true, "selector": {"app": "scorer"}}
	count(deny) == 0 with input as _route_input([pol])
}
