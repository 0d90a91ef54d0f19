package mlscan.lib.serving

# Serving facts (input.serving): which workloads serve models, and how they are exposed.

import data.mlscan.lib.util
import rego.v1

_serving := object.get(input, "serving", {})

workloads := object.get(_serving, "workloads", [])

services := object.get(_serving, "services", [])

ingresses := object.get(_serving, "ingresses", [])

# Positions of workloads by address and of services by [namespace, name], built once per
# evaluation so that joins stay linear in the number of facts.
_workload_at[w.address] contains i if {
	some i, w in workloads
}

_service_at[key] contains i if {
	some i, svc in services
	key := [svc.namespace, svc.name]
}

# The workloads a Service selects.
selected_workloads(svc) := [workloads[i] |
	some address in svc.selects
	some i in _workload_at[address]
]

# A workload that serves a model, decided from evidence, never from "it is a container":
# a serving manifest kind (KServe, Seldon, Ray Serve), a serving-framework image or a serve
# command is enough; a model-ish name or a MODEL_* variable counts only for a workload that
# listens (a container port, a published compose port or a Service selecting it) and is not
# a batch job or a training / test workload.
_strong_hint(h) if startswith(h, "kind:")

_strong_hint(h) if startswith(h, "image:")

_strong_hint(h) if h == "command:serve"

serving_workload(w) if {
	some h in w.serving_hints
	_strong_hint(h)
}

serving_workload(w) if {
	count(w.serving_hints) > 0
	listens(w)
	not batch_or_training(w)
}

listens(w) if count(object.get(w, "ports", [])) > 0

listens(w) if {
	some svc in services
	w.address in svc.selects
}

batch_or_training(w) if w.kind in {"Job", "CronJob"}

batch_or_training(w) if regex.match(`(?i)(^|[-_./])(train|trainer|training|finetune|fine-tune|etl|batch|notebook|jupyter|tests?|e2e|client)([-_./]|$)`, w.name)

# What the workload is, for messages: "KServe InferenceService ml/fraud", "compose service scorer".
describe(w) := sprintf("compose service %s", [w.name]) if w.kind == "compose-service"

describe(w) := sprintf("KServe InferenceService %s/%s", [w.namespace, w.name]) if w.kind == "InferenceService"

describe(w) := sprintf("Seldon deployment %s/%s", [w.namespace, w.name]) if w.kind == "SeldonDeployment"

describe(w) := sprintf("Ray Serve application %s/%s", [w.namespace, w.name]) if w.kind == "RayService"

describe(w) := sprintf("%s %s/%s", [w.kind, w.namespace, w.name]) if {
	not w.kind in {"compose-service", "InferenceService", "SeldonDeployment", "RayService"}
}

# The evidence that made it a model server, for messages.
evidence_text(w) := concat(", ", w.serving_hints)

_serving_name := `(?i)(model|inference|predict|serving|scor(e|ing)|classifier|llm)`

# A Service in front of a model server: it selects a serving workload, or its name says so.
serving_service(svc) if {
	some w in selected_workloads(svc)
	serving_workload(w)
}

serving_service(svc) if regex.match(_serving_name, svc.name)

# Annotations that keep a LoadBalancer on the private network.
_internal_lb := {
	"service.beta.kubernetes.io/aws-load-balancer-internal",
	"service.beta.kubernetes.io/azure-load-balancer-internal",
	"networking.gke.io/load-balancer-type",
	"cloud.google.com/load-balancer-type",
	"service.beta.kubernetes.io/oci-load-balancer-internal",
}

internal_service(svc) if {
	some key, value in svc.annotations
	key in _internal_lb
	lower(value) in {"true", "internal"}
}

internal_service(svc) if {
	svc.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal"
}

externally_exposed(svc) if {
	svc.type in {"LoadBalancer", "NodePort"}
	not internal_service(svc)
}

# Ingress annotations that put authentication in front of the backend.
_auth_annotation := `^(nginx\.ingress\.kubernetes\.io/auth-(url|type|signin|tls-secret)|alb\.ingress\.kubernetes\.io/auth-type|konghq\.com/plugins|traefik\.ingress\.kubernetes\.io/router\.middlewares|ingress\.kubernetes\.io/auth-(type|url)|appgw\.ingress\.kubernetes\.io/.*auth.*)$`

ingress_has_auth(ing) if {
	some key in ing.annotation_keys
	regex.match(_auth_annotation, key)
	not key == "alb.ingress.kubernetes.io/auth-type"
}

ingress_has_auth(ing) if {
	ing.annotations["alb.ingress.kubernetes.io/auth-type"] in {"cognito", "oidc"}
}

# Ingress annotations that limit request rates.
_rate_annotation := `^(nginx\.ingress\.kubernetes\.io/limit-(rps|rpm|connections|burst-multiplier)|haproxy\.org/rate-limit-requests|haproxy-ingress\.github\.io/rate-limit.*|konghq\.com/plugins|traefik\.ingress\.kubernetes\.io/router\.middlewares|zalando\.org/ratelimit|getambassador\.io/.*rate.*)$`

ingress_rate_limited(ing) if {
	some key in ing.annotation_keys
	regex.match(_rate_annotation, key)
}

# An authenticating proxy runs beside the model server in the selected pods.
_auth_proxy := `(?i)(oauth2-proxy|oauth-proxy|keycloak-gatekeeper|pomerium|vouch-proxy)`

service_has_auth_proxy(svc) if {
	some w in selected_workloads(svc)
	some c in w.containers
	c.image != null
	regex.match(_auth_proxy, c.image)
}

# Services an Ingress routes to (same namespace).
ingress_services(ing) := [services[i] |
	some name in ing.backends
	some i in _service_at[[ing.namespace, name]]
]

ingress_to_serving(ing) if {
	some svc in ingress_services(ing)
	serving_service(svc)
}

ingress_to_serving(ing) if regex.match(_serving_name, ing.name)

# ---------------------------------------------------------------- endpoints (input.serving.endpoints)
endpoints := object.get(_serving, "endpoints", [])

# HTTPRoutes / VirtualServices with their gateways, and Istio AuthorizationPolicies
gateway_routes := object.get(_serving, "gateway_routes", [])

authorization_policies := object.get(_serving, "authorization_policies", [])

# An AuthorizationPolicy that requires a principal and selects a workload of the Service
# (or its whole namespace, or the mesh root namespace).
policy_protects(svc) if {
	some pol in authorization_policies
	pol.requires_identity
	pol.namespace in {svc.namespace, "istio-system"}
	some w in selected_workloads(svc)
	every k, val in pol.selector {
		object.get(object.get(w, "labels", {}), k, null) == val
	}
}

# The labels of the Istio ingress gateway pods (istio-system/istio-ingressgateway), which
# also serve KServe's default external route (knative-serving/knative-ingress-gateway).
ingress_gateway_labels := {"istio": "ingressgateway", "app": "istio-ingressgateway"}

# An ALLOW (or CUSTOM) AuthorizationPolicy that requires a request principal and selects
# the ingress gateway a way in goes through: every request entering through that gateway
# is authenticated. A RequestAuthentication alone is no such policy.
# KServe's default external route enters through the Istio ingress gateway:
ingress_gateway_protected if {
	some pol in authorization_policies
	_gateway_policy(pol)
	pol.namespace == "istio-system"
	_selects(pol.selector, ingress_gateway_labels)
}

# a route whose parent gateways (found in the scan) all carry such a policy
route_gateway_protected(r) if {
	gws := object.get(r, "gateways", [])
	count(gws) > 0
	every g in gws {
		_gateway_protected(g)
	}
}

_gateway_protected(g) if {
	some pol in authorization_policies
	_gateway_policy(pol)
	pol.namespace in {"istio-system", g.namespace}
	_selects(pol.selector, object.get(g, "selector", {}))
}

_gateway_policy(pol) if {
	object.get(pol, "every_rule_requires_identity", false)
	pol.action in {"ALLOW", "CUSTOM"}
	count(pol.selector) > 0
}

_selects(selector, labels) if {
	count(labels) > 0
	every k, val in selector {
		object.get(labels, k, null) == val
	}
}

# API Gateway stages (input.serving.api_stages) and the public model endpoints of their API
api_stages := object.get(_serving, "api_stages", [])

stage_model_endpoints(stage) := [e.name |
	some e in endpoints
	e.kind == "api-gateway"
	stage.api != null
	object.get(e, "api", null) == stage.api
	e.serves_model
	object.get(e, "public", false) == true
	count(object.get(e, "app_auth", [])) == 0
]

# A bind that accepts connections from other machines: a non-loopback host, a public
# platform router (Heroku), or a Gradio share link. Unix sockets and loopback do not.
public_bind(b) if {
	b.host != ""
	not b.host in {"unix", "gradio-share"}
	not util.loopback_host(b.host)
}

public_bind(b) if b.host == "gradio-share"

public_bind(b) if object.get(b, "platform", null) == "heroku"

endpoint_public(e) if {
	some b in e.binds
	public_bind(b)
}

# No bind address is written anywhere mlscan reads: how the app is reached is unknown.
endpoint_exposure_unknown(e) if {
	not endpoint_public(e)
	count([b | some b in e.binds; b.host != ""]) == 0
}

endpoint_bind_text(e) := sprintf("bound to %s (%s)", [b.host, b.source]) if {
	binds := [b | some b in e.binds; public_bind(b)]
	count(binds) > 0
	b := binds[0]
} else := "with no bind address in the repository"

# State-changing routes: write methods, or paths that retrain, upload, delete or administer.
_state_words := `(?i)(^|[/_.-])(train|retrain|fit|finetune|fine-tune|upload|delete|remove|drop|update|reload|load[_-]?model|(add|new|create|set)[_-]?model|deploy|register|promote|rollback|admin|shutdown|restart|exec|eval|config|set[_-]?model|swap)([/_.-]|$|\{)`

state_changing(route) if {
	some m in route.methods
	m in {"PUT", "PATCH", "DELETE"}
}

state_changing(route) if {
	route.path != null
	regex.match(_state_words, route.path)
}

state_changing(route) if {
	route.path == null
	regex.match(_state_words, route.function)
}

endpoint_auth(e) if count(e.app_auth) > 0

# A bind address that is known, not an unresolved expression or variable
# (`<expr>`, `$HOST`, `${HOST}`, `{{ host }}`): only these decide that an app is public.
resolved_host(h) if {
	h != "<expr>"
	not contains(h, "$")
	not contains(h, "{{")
}

# The repository publishes its model servers through Kubernetes Services or Ingresses, or
# deploys them as KServe / Seldon / Ray Serve / BentoML resources: those manifests, not the
# address a container binds inside its pod, decide exposure.
k8s_fronted if {
	some svc in services
	serving_service(svc)
}

k8s_fronted if {
	some ing in ingresses
	ingress_to_serving(ing)
}

k8s_fronted if {
	some e in object.get(_serving, "endpoints", [])
	e.kind in {"kserve", "seldon", "ray-serve", "bentoml"}
}

_bind_decides_exposure(b) if object.get(b, "platform", null) != null

_bind_decides_exposure(b) if not k8s_fronted

# Python app endpoints bound to a known non-loopback address (or behind a public
# platform router): the binds a reviewer acts on.
python_public_binds(e) := [b |
	some b in e.binds
	public_bind(b)
	resolved_host(b.host)
	_bind_decides_exposure(b)
]

# Routes of a python app that run the model and carry no authentication.
open_model_routes(e) := [r |
	some r in e.routes
	r.reaches_model
	not r.auth
]
