# METADATA
# title: No rate limiting on a public inference endpoint
# description: >-
#   A model server is published to the outside without a request-rate limit (a bare
#   LoadBalancer Service, an Ingress without a rate-limit annotation, or an API Gateway stage
#   without throttling in front of a public model route). Unlimited
#   queries make model extraction and membership-inference attacks cheap and let a single
#   client exhaust the serving capacity.
# custom:
#   id: MLS-SRV-002
#   severity: medium
#   stride: [denial-of-service, information-disclosure]
#   linddun: []
#   atlas: [AML.T0024.002]
#   owasp_ml: [ML05]
#   cwe: [770]
#   references: ["https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#rate-limiting"]
#   remediation: >-
#     Publish the model through an Ingress or API gateway with a rate limit (for ingress-nginx
#     nginx.ingress.kubernetes.io/limit-rps, or a gateway usage plan) instead of a bare
#     LoadBalancer Service; on API Gateway set throttling on the stage (default_route_settings,
#     aws_api_gateway_method_settings) or a usage plan.
package mlscan.controls.serving.rate_limit

import data.mlscan.lib.serving
import rego.v1

deny contains v if {
	some ing in serving.ingresses
	serving.ingress_to_serving(ing)
	not serving.ingress_rate_limited(ing)
	v := {
		"msg": sprintf("Ingress %s/%s publishes a model server with no rate-limit annotation", [ing.namespace, ing.name]),
		"loc": ing.loc,
		"asset": ing.address,
		"key": "ingress",
	}
}

deny contains v if {
	some svc in serving.services
	serving.externally_exposed(svc)
	serving.serving_service(svc)
	v := {
		"msg": sprintf("Service %s/%s (type %s) publishes a model server directly, with no rate limiting in front of it", [
			svc.namespace, svc.name, svc.type,
		]),
		"loc": svc.type_loc,
		"asset": svc.address,
		"key": "service",
	}
}

deny contains v if {
	some stage in serving.api_stages
	not stage.throttled
	routes := serving.stage_model_endpoints(stage)
	count(routes) > 0
	v := {
		"msg": sprintf("API Gateway stage %s (%s) publishes the model route(s) %s without throttling", [
			stage.name, stage.address, concat(", ", sort(routes)),
		]),
		"loc": stage.loc,
		"asset": sprintf("%s/%s", [stage.api, stage.address]),
		"key": "stage",
	}
}
