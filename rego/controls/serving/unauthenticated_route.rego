# METADATA
# title: Model server route that changes state without authentication
# description: >-
#   A web app that serves a model (it loads or calls one) has a route that retrains,
#   uploads, deletes, reloads or reconfigures - a write method or a path such as /train,
#   /upload or /delete_model - with no authentication dependency, decorator, header check
#   or app-wide guard. Whoever reaches the app can replace or poison the model, delete it,
#   or run training on their own data. A stub handler (it only returns a literal or raises
#   "not implemented") changes nothing and is not reported.
# custom:
#   id: MLS-SRV-006
#   severity: high
#   stride: [spoofing, tampering, elevation-of-privilege, denial-of-service]
#   linddun: []
#   atlas: [AML.T0018, AML.T0020]
#   owasp_ml: [ML02, ML10]
#   cwe: [306, 862]
#   references: ["https://fastapi.tiangolo.com/tutorial/security/", "https://owasp.org/www-project-machine-learning-security-top-10/"]
#   remediation: >-
#     Require authentication on every state-changing route (a FastAPI Depends/Security
#     dependency, a Flask login_required/auth decorator, an app-wide auth middleware or a
#     gateway that authenticates), or move training and model management out of the
#     serving app into a pipeline that only the release process can trigger.
package mlscan.controls.serving.unauthenticated_route

import data.mlscan.lib.serving
import rego.v1

deny contains v if {
	some e in serving.endpoints
	e.serves_model
	not serving.endpoint_auth(e)
	some route in e.routes
	serving.state_changing(route)
	not route.auth
	not object.get(route, "stub", false)
	not _loopback_only(e)
	v := {
		"msg": sprintf("%s app '%s' in %s serves a model (%s) and its route %s %s (%s) changes state without authentication; the app is %s", [
			e.framework, e.name, e.path, concat(", ", e.model_evidence), concat("|", route.methods), _route_path(route), route.function, serving.endpoint_bind_text(e),
		]),
		"loc": route.loc,
		"asset": sprintf("%s:%s", [e.path, route.function]),
		"key": route.function,
		"severity": _severity(e),
		"evidence": {"methods": route.methods, "path": route.path, "binds": [b.host | some b in e.binds]},
	}
}

# bound only to loopback addresses: nobody else can reach it
_loopback_only(e) if {
	not serving.endpoint_public(e)
	not serving.endpoint_exposure_unknown(e)
}

_severity(e) := "high" if serving.endpoint_public(e)

_severity(e) := "medium" if not serving.endpoint_public(e)

_route_path(route) := route.path if route.path != null

_route_path(route) := "(path not literal)" if route.path == null
