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
