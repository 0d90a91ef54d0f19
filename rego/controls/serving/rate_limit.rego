# METADATA
# title: No rate limiting on a public inference endpoint
# description: >-
#   A model server is published to the outside without a request-rate limit. Unlimited
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
#     LoadBalancer Service.
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
