# METADATA
# title: Model server runs in debug mode where others can reach it
# description: >-
#   A web app that serves a model turns on debug mode (Flask/Werkzeug debug=True,
#   app.debug = True, DEBUG = True) and is bound to a non-loopback address or a public
#   platform. The Werkzeug debugger runs arbitrary Python for whoever triggers an error page,
#   and debug pages leak code, paths and configuration.
# custom:
#   id: MLS-SRV-007
#   severity: high
#   stride: [elevation-of-privilege, information-disclosure]
#   linddun: []
#   atlas: [AML.T0049]
#   owasp_ml: [ML06]
#   cwe: [489, 94]
#   references: ["https://flask.palletsprojects.com/en/stable/debugging/"]
#   remediation: >-
#     Never enable debug mode in a served app: drop debug=True, read it from an environment
#     variable that defaults to off, and serve through gunicorn/uvicorn rather than the
#     development server.
package mlscan.controls.serving.debug_mode

import data.mlscan.lib.serving
import rego.v1

deny contains v if {
	some e in serving.endpoints
	e.serves_model
	some d in e.debug
	serving.endpoint_public(e)
	v := {
		"msg": sprintf("%s app '%s' in %s serves a model and enables debug mode (%s) while %s", [
			e.framework, e.name, e.path, d.source, serving.endpoint_bind_text(e),
		]),
		"loc": d.loc,
		"asset": sprintf("%s:%s", [e.path, e.name]),
		"evidence": {"debug": d.source},
	}
}
