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

py_app(binds, routes, app_auth) := {"serving": {"endpoints": [{
	"kind": "python-app", "framework": "fastapi", "name": "app", "path": "svc/app.py",
	"serves_model": true, "model_evidence": ["load:joblib.load"], "app_auth": app_auth,
	"binds": binds, "routes": routes, "loc": {"path": "svc/app.py", "line": 3},
}]}}

predict_route := {"path": "/predict", "methods": ["POST"], "function": "predict", "auth": false, "reaches_model": true, "loc": {"path": "svc/app.py", "line": 9}}

train_route := {"path": "/train", "methods": ["POST"], "function": "train", "auth": false, "reaches_model": true, "loc": {"path": "svc/app.py", "line": 20}}

docker_bind := {"host": "0.0.0.0", "source": "uvicorn in Dockerfile", "platform": null, "loc": {"path": "Dockerfile", "line": 7}}

test_python_app_public_bind_medium if {
	vs := deny with input as py_app([docker_bind], [predict_route], [])
	some v in vs
	v.loc == {"path": "Dockerfile", "line": 7}
	v.severity == "medium"
	contains(v.msg, "bound to 0.0.0.0 (uvicorn in Dockerfile) with no authentication on POST /predict")
}

test_python_app_with_train_route_is_high if {
	some v in deny with input as py_app([docker_bind], [predict_route, train_route], [])
	v.severity == "high"
}

test_python_app_host_from_env_file if {
	bind := {"host": "0.0.0.0", "source": "uvicorn.run()", "host_from": {"path": ".env", "line": 2}, "loc": {"path": "svc/app.py", "line": 30}}
	some v in deny with input as py_app([bind], [predict_route], [])
	contains(v.msg, "(uvicorn.run()) from .env:2")
}

test_python_app_silent_with_app_auth if {
	count(deny) == 0 with input as py_app([docker_bind], [predict_route], ["app-dependency:verify_key"])
}

test_python_app_silent_when_model_routes_authenticate if {
	authed := object.union(predict_route, {"auth": true})
	count(deny) == 0 with input as py_app([docker_bind], [authed], [])
}

test_python_app_silent_on_loopback_or_unresolved_host if {
	lo := object.union(docker_bind, {"host": "127.0.0.1"})
	unresolved := object.union(docker_bind, {"host": "<expr>"})
	variable := object.union(docker_bind, {"host": "${BIND}"})
	count(deny) == 0 with input as py_app([lo, unresolved, variable], [predict_route], [])
}

test_python_app_silent_when_kubernetes_decides_exposure if {
	doc := object.union(py_app([docker_bind], [predict_route], []), {"serving": {
		"services": [{"namespace": "ml", "name": "scorer", "type": "ClusterIP", "selects": [], "annotations": {}}],
	}})
	count(deny) == 0 with input as doc
}

test_python_app_heroku_bind_counts_even_with_kubernetes if {
	heroku := {"host": "0.0.0.0", "source": "uvicorn in Procfile", "platform": "heroku", "loc": {"path": "Procfile", "line": 1}}
	doc := object.union(py_app([heroku], [predict_route], []), {"serving": {
		"services": [{"namespace": "ml", "name": "scorer", "type": "ClusterIP", "selects": [], "annotations": {}}],
	}})
	some v in deny with input as doc
	v.loc.path == "Procfile"
}

test_python_app_silent_when_a_serving_manifest_deploys_it if {
	doc := py_app([docker_bind], [predict_route], [])
	isvc := {"kind": "kserve", "name": "scorer", "namespace": "ml", "reached_through": [], "default_external": false, "app_auth": [], "model_evidence": [], "visibility": "cluster-local", "request_authentication": [], "loc": {"path": "isvc.yaml", "line": 1}}
	doc2 := {"serving": {"endpoints": array.concat(doc.serving.endpoints, [isvc])}}
	count(deny) == 0 with input as doc2
}

# An AuthorizationPolicy on the ingress gateway that requires a request principal
# authenticates every request entering through it.
_gw_policy(ns, action, requires, selector) := {"name": "edge-jwt", "namespace": ns, "action": action,
	"requires_identity": requires, "every_rule_requires_identity": requires, "selector": selector,
	"loc": {"path": "k/authz.yaml", "line": 1}}

test_fires_when_one_gateway_policy_rule_requires_no_identity if {
	p := object.union(_gw_policy("istio-system", "ALLOW", true, {"istio": "ingressgateway"}), {"every_rule_requires_identity": false})
	some v in deny with input as {"serving": {"endpoints": [_isvc({})], "authorization_policies": [p]}}
	v.loc.path == "k/isvc.yaml"
}

test_silent_with_jwt_policy_on_the_ingress_gateway if {
	p := _gw_policy("istio-system", "ALLOW", true, {"istio": "ingressgateway"})
	count(deny) == 0 with input as {"serving": {"endpoints": [_isvc({})], "authorization_policies": [p]}}
}

test_fires_when_gateway_policy_requires_no_principal if {
	p := _gw_policy("istio-system", "ALLOW", false, {"istio": "ingressgateway"})
	some v in deny with input as {"serving": {"endpoints": [_isvc({})], "authorization_policies": [p]}}
	v.loc.path == "k/isvc.yaml"
}

test_fires_when_gateway_policy_is_a_deny if {
	p := _gw_policy("istio-system", "DENY", true, {"app": "istio-ingressgateway"})
	some v in deny with input as {"serving": {"endpoints": [_isvc({})], "authorization_policies": [p]}}
	v.loc.path == "k/isvc.yaml"
}

test_fires_when_policy_selects_another_workload if {
	p := _gw_policy("istio-system", "ALLOW", true, {"app": "grafana"})
	some v in deny with input as {"serving": {"endpoints": [_isvc({})], "authorization_policies": [p]}}
	v.loc.path == "k/isvc.yaml"
}

test_fires_when_policy_is_outside_the_gateway_namespace if {
	p := _gw_policy("ml", "ALLOW", true, {"istio": "ingressgateway"})
	some v in deny with input as {"serving": {"endpoints": [_isvc({})], "authorization_policies": [p]}}
	v.loc.path == "k/isvc.yaml"
}

test_silent_with_policy_on_the_route_gateway if {
	gw := object.union(_gw(false), {"api": "istio", "namespace": "edge-ns", "selector": {"app": "edge-proxy"}})
	r := {"kind": "VirtualService", "name": "fraud", "parents": ["edge-ns/edge"], "gateways": [gw], "loc": {"path": "k/vs.yaml", "line": 1}}
	e := _isvc({"default_external": false, "visibility": "cluster-local", "reached_through": [r]})
	p := _gw_policy("edge-ns", "CUSTOM", true, {"app": "edge-proxy"})
	count(deny) == 0 with input as {"serving": {"endpoints": [e], "authorization_policies": [p]}}
}

test_fires_on_route_gateway_when_policy_selects_other_labels if {
	gw := object.union(_gw(false), {"api": "istio", "namespace": "edge-ns", "selector": {"app": "edge-proxy"}})
	r := {"kind": "VirtualService", "name": "fraud", "parents": ["edge-ns/edge"], "gateways": [gw], "loc": {"path": "k/vs.yaml", "line": 1}}
	e := _isvc({"default_external": false, "visibility": "cluster-local", "reached_through": [r]})
	p := _gw_policy("edge-ns", "ALLOW", true, {"app": "other-proxy"})
	some v in deny with input as {"serving": {"endpoints": [e], "authorization_policies": [p]}}
	v.loc.path == "k/isvc.yaml"
}

test_gateway_policy_leaves_an_unprotected_route_reported if {
	gw := object.union(_gw(false), {"api": "gateway-api", "selector": {"gateway.networking.k8s.io/gateway-name": "edge"}})
	r := {"kind": "HTTPRoute", "name": "fraud", "parents": ["edge"], "gateways": [gw], "loc": {"path": "k/route.yaml", "line": 1}}
	p := _gw_policy("istio-system", "ALLOW", true, {"istio": "ingressgateway"})
	some v in deny with input as {"serving": {"endpoints": [_isvc({"reached_through": [r]})], "authorization_policies": [p]}}
	contains(v.msg, "HTTPRoute fraud (gateways edge: HTTP :80)")
	not contains(v.msg, "the KServe ingress gateway")
}
