package mlscan.lib.serving_test

import data.mlscan.lib.serving
import rego.v1

_w := {"address": "Deployment.ml.scorer", "serving_hints": ["image"], "containers": [{"image": "quay.io/oauth2-proxy/oauth2-proxy:v7"}]}

_svc(extra) := object.union({"name": "web", "namespace": "ml", "type": "LoadBalancer", "annotations": {}, "selects": ["Deployment.ml.scorer"]}, extra)

_input := {"serving": {"workloads": [_w], "services": [_svc({})], "ingresses": []}}

test_serving_service_by_selected_workload if {
	serving.serving_service(_svc({})) with input as _input
	serving.service_has_auth_proxy(_svc({})) with input as _input
	not serving.serving_service(_svc({"selects": []})) with input as _input
	serving.serving_service(_svc({"selects": [], "name": "model-api"})) with input as _input
}

test_exposure_and_internal_annotations if {
	serving.externally_exposed(_svc({}))
	not serving.externally_exposed(_svc({"type": "ClusterIP"}))
	not serving.externally_exposed(_svc({"annotations": {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}}))
}

test_ingress_auth_and_rate_limit if {
	ing := {"annotation_keys": ["nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/limit-rps"], "annotations": {}}
	serving.ingress_has_auth(ing)
	serving.ingress_rate_limited(ing)
	not serving.ingress_has_auth({"annotation_keys": ["alb.ingress.kubernetes.io/auth-type"], "annotations": {"alb.ingress.kubernetes.io/auth-type": "none"}})
	serving.ingress_has_auth({"annotation_keys": ["alb.ingress.kubernetes.io/auth-type"], "annotations": {"alb.ingress.kubernetes.io/auth-type": "cognito"}})
}

test_ingress_to_serving if {
	ing := {"name": "web", "namespace": "ml", "backends": ["web"]}
	serving.ingress_to_serving(ing) with input as _input
	not serving.ingress_to_serving(object.union(ing, {"backends": []})) with input as _input
}
