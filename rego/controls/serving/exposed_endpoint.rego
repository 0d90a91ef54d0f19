# METADATA
# title: Inference endpoint exposed without authentication
# description: >-
#   A model server is reachable from outside the cluster through a LoadBalancer or NodePort
#   Service, or through an Ingress with no authentication annotation, and no authenticating
#   proxy runs beside it; or a KServe / Seldon / Ray Serve / BentoML resource is published
#   (KServe's ingress gateway without cluster-local visibility, an HTTPRoute or VirtualService
#   bound to a gateway that is not internal) with no Istio AuthorizationPolicy requiring a
#   principal; or a model-serving Service is published by such a route; or a managed
#   endpoint that serves a model is public (Cloud Run invoker allUsers or
#   --allow-unauthenticated, a Lambda function URL or API Gateway method with authorization
#   NONE, an internet-facing load balancer forwarding to it without an authenticate
#   action); or a Python web app that serves a model (Flask, FastAPI, Starlette, Gradio...)
#   is bound to every interface - by app.run / uvicorn.run (the host possibly read from a
#   committed .env), a Dockerfile CMD, a Procfile web process - and its model routes carry
#   no authentication. Anyone who finds the address can query the model, extract it through
#   its predictions, or probe it with adversarial inputs.
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

# A model-serving Service published through an HTTPRoute or VirtualService attached to a
# gateway that is not internal, with no auth annotation, proxy or AuthorizationPolicy.
deny contains v if {
	some r in serving.gateway_routes
	_published(r)
	some svc in serving.services
	svc.namespace == r.namespace
	svc.name in r.backends
	serving.serving_service(svc)
	count(r.auth_annotations) == 0
	not serving.service_has_auth_proxy(svc)
	not serving.policy_protects(svc)
	v := {
		"msg": sprintf("%s %s/%s publishes model server Service %s (%s) through %s without authentication", [
			r.kind, r.namespace, r.name, svc.name, _targets(svc),
			concat(", ", [_gateway_text(r, p) | some p in r.parents; p != "mesh"]),
		]),
		"loc": r.loc,
		"asset": sprintf("%s/%s/%s", [r.kind, r.namespace, r.name]),
		"key": svc.name,
		"related": [svc.loc],
		"evidence": {"backends": r.backends, "parents": r.parents},
	}
}

# Serving resources (KServe, Seldon, Ray Serve, BentoML) and cloud endpoints
# (serving.endpoints[]) reachable without authentication.
_manifest_kinds := {"kserve": "KServe InferenceService", "seldon": "SeldonDeployment", "ray-serve": "RayService", "bentoml": "BentoDeployment"}

deny contains v if {
	some e in serving.endpoints
	e.kind in object.keys(_manifest_kinds)
	ways := _ways(e)
	count(ways) > 0
	count(e.app_auth) == 0
	v := {
		"msg": sprintf("%s %s/%s (%s) is reachable through %s without authentication (no Istio AuthorizationPolicy requiring a principal, no auth annotation on its routes)%s", [
			_manifest_kinds[e.kind], e.namespace, e.name, concat(", ", e.model_evidence), concat(", ", ways), _request_auth_note(e),
		]),
		"loc": e.loc,
		"asset": sprintf("%s/%s/%s", [e.kind, e.namespace, e.name]),
		"key": "endpoint",
		"related": [r.loc | some r in e.reached_through],
		"evidence": {"reached_through": ways, "visibility": e.visibility},
	}
}

_ways(e) := array.concat(
	[sprintf("%s %s (gateways %s)", [r.kind, r.name, concat(", ", [_gateway_text(r, p) | some p in r.parents; p != "mesh"])]) |
		some r in e.reached_through
		r.kind in {"HTTPRoute", "VirtualService"}
		_published(r)
		not serving.route_gateway_protected(r)
	],
	[w | e.default_external; not serving.ingress_gateway_protected; w := "the KServe ingress gateway (no networking.kserve.io/visibility: cluster-local label)"],
)

# a route attached to a gateway that is not internal (the sidecar mesh is no gateway)
_published(r) if {
	some p in r.parents
	p != "mesh"
	not _internal_gateway(r, p)
}

_gateway_name(p) := parts[count(parts) - 1] if parts := split(p, "/")

_internal_gateway(r, p) if {
	some g in object.get(r, "gateways", [])
	g.name == _gateway_name(p)
	g.internal
}

_gateway_text(r, p) := sprintf("%s: %s", [p, concat(", ", [_listener_text(l) | some l in g.listeners])]) if {
	some g in object.get(r, "gateways", [])
	g.name == _gateway_name(p)
	count(g.listeners) > 0
} else := p

_listener_text(l) := sprintf("%s :%v TLS %s", [l.protocol, l.port, l.tls_mode]) if l.tls_mode != null

_listener_text(l) := sprintf("%s :%v", [l.protocol, l.port]) if l.tls_mode == null

_request_auth_note(e) := sprintf("; RequestAuthentication %s alone still accepts requests that carry no token", [concat(", ", e.request_authentication)]) if {
	count(e.request_authentication) > 0
} else := ""

deny contains v if {
	some e in serving.endpoints
	object.get(e, "public", false) == true
	e.serves_model
	count(e.app_auth) == 0
	v := {
		"msg": sprintf("%s %s (%s) is public without authentication: %s", [
			e.kind, e.name, concat(", ", e.model_evidence), e.public_reason,
		]),
		"loc": e.public_loc,
		"asset": sprintf("%s/%s", [e.kind, e.name]),
		"key": "public",
		"related": [e.loc],
		"evidence": {"public_reason": e.public_reason},
	}
}

# Python model APIs: one finding per public bind (the Dockerfile CMD, Procfile line or
# run() call that opens the app), medium for a prediction-only API, high when an
# unauthenticated route also changes state (retrains, uploads, deletes).
deny contains v if {
	some e in serving.endpoints
	e.kind == "python-app"
	e.serves_model
	not serving.endpoint_auth(e)
	routes := serving.open_model_routes(e)
	count(routes) > 0
	some b in serving.python_public_binds(e)
	v := {
		"msg": sprintf("%s app '%s' in %s serves a model (%s) and is bound to %s (%s)%s with no authentication on %s", [
			e.framework, e.name, e.path, concat(", ", e.model_evidence), b.host, b.source, _host_from(b), _route_text(routes),
		]),
		"severity": _python_severity(e),
		"loc": b.loc,
		"asset": sprintf("%s:%s", [e.path, e.name]),
		"key": sprintf("bind|%s|%d", [b.loc.path, b.loc.line]),
		"related": [r.loc | some r in routes],
		"evidence": {"host": b.host, "routes": [r.path | some r in routes]},
	}
}

_host_from(b) := sprintf(" from %s:%d", [b.host_from.path, b.host_from.line]) if {
	b.host_from.path
} else := ""

_route_text(routes) := concat(", ", [sprintf("%s %s", [concat("|", r.methods), _path(r)]) | some r in routes])

_path(r) := r.path if r.path != null

_path(r) := r.function if r.path == null

_python_severity(e) := "high" if {
	some r in e.routes
	serving.state_changing(r)
	not r.auth
	not object.get(r, "stub", false)
} else := "medium"
