# METADATA
# title: Inference endpoint exposed without authentication
# description: >-
#   A model server is reachable from outside the cluster through a LoadBalancer or NodePort
#   Service, or through an Ingress with no authentication annotation, and no authenticating
#   proxy runs beside it. Anyone who finds the address can query the model, extract it
#   through its predictions, or probe it with adversarial inputs.
# custom:
#   id: MLS-SRV-001
#   severity: high
#   stride: [spoofing, elevation-of-privilege, information-disclosure]
#   linddun: []
#   atlas: [AML.T0040]
#   owasp_ml: [ML05]
#   cwe: [306]
#   references: ["https://kubernetes.github.io/ingress-nginx/examples/auth/oauth-external-auth/"]
#   remediation: >-
#     Keep the model Service ClusterIP (or an internal load balancer) and publish it through an
#     Ingress or gateway that authenticates callers (nginx auth-url / OIDC, ALB auth-type
#     cognito/oidc, an oauth2-proxy sidecar, or mTLS).
package mlscan.controls.serving.exposed_endpoint

import data.mlscan.lib.serving
import rego.v1

_targets(svc) := concat(", ", svc.selects) if count(svc.selects) > 0

_targets(svc) := svc.name if count(svc.selects) == 0

deny contains v if {
	some svc in serving.services
	serving.externally_exposed(svc)
	serving.serving_service(svc)
	not serving.service_has_auth_proxy(svc)
	v := {
		"msg": sprintf("Service %s/%s (type %s) exposes model server %s without authentication", [
			svc.namespace, svc.name, svc.type, _targets(svc),
		]),
		"loc": svc.type_loc,
		"asset": svc.address,
		"key": "service",
		"related": [svc.loc],
		"evidence": {"type": svc.type, "selects": svc.selects},
	}
}

deny contains v if {
	some ing in serving.ingresses
	serving.ingress_to_serving(ing)
	not serving.ingress_has_auth(ing)
	not _behind_auth_proxy(ing)
	v := {
		"msg": sprintf("Ingress %s/%s routes %s to model server Service %s without an authentication annotation", [
			ing.namespace, ing.name, _hosts(ing), concat(", ", ing.backends),
		]),
		"loc": ing.loc,
		"asset": ing.address,
		"key": "ingress",
		"evidence": {"annotation_keys": ing.annotation_keys, "backends": ing.backends},
	}
}

_behind_auth_proxy(ing) if {
	some svc in serving.ingress_services(ing)
	serving.service_has_auth_proxy(svc)
}

_hosts(ing) := concat(", ", ing.hosts) if count(ing.hosts) > 0

_hosts(ing) := "all hosts" if count(ing.hosts) == 0
