# METADATA
# title: MLflow server security middleware weakened
# description: >-
#   The server disables its security middleware or allows any host / any CORS origin. MLflow's
#   host and origin checks stop DNS-rebinding and cross-site requests from a browser on the
#   internal network from driving the registry API.
# custom:
#   id: MLS-MLF-005
#   severity: high
#   stride: [spoofing, tampering]
#   linddun: []
#   atlas: [AML.T0049]
#   owasp_ml: [ML05]
#   cwe: [346, 942]
#   references: ["https://mlflow.org/docs/latest/self-hosting/security/network/"]
#   remediation: >-
#     Remove --disable-security-middleware; list the exact host names in --allowed-hosts and the
#     exact UI origins in --cors-allowed-origins.
package mlscan.controls.mlflow.security_middleware

import rego.v1

deny contains v if {
	some server in input.mlflow.servers
	server.disable_security_middleware
	v := {
		"msg": sprintf("mlflow %s runs with its security middleware disabled", [server.kind]),
		"loc": loc(server, "disable_security_middleware_loc"),
		"asset": concat(":", [server.path, server.service]),
		"key": "disable-security-middleware",
	}
}

deny contains v if {
	some server in input.mlflow.servers
	wildcard(server.allowed_hosts)
	v := {
		"msg": sprintf("mlflow %s accepts any Host header (allowed hosts: %s)", [server.kind, server.allowed_hosts]),
		"loc": loc(server, "allowed_hosts_loc"),
		"asset": concat(":", [server.path, server.service]),
		"key": "allowed-hosts",
	}
}

deny contains v if {
	some server in input.mlflow.servers
	wildcard(server.cors_allowed_origins)
	v := {
		"msg": sprintf("mlflow %s allows cross-origin requests from any origin (allowed origins: %s)", [server.kind, server.cors_allowed_origins]),
		"loc": loc(server, "cors_allowed_origins_loc"),
		"asset": concat(":", [server.path, server.service]),
		"key": "cors-allowed-origins",
	}
}

wildcard(value) if {
	is_string(value)
	some part in split(value, ",")
	trim_space(part) == "*"
}

loc(server, key) := server[key] if server[key] != null

loc(server, key) := server.loc if server[key] == null
