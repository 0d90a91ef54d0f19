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
