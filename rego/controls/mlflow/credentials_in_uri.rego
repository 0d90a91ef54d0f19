# METADATA
# title: Password embedded in an MLflow backend-store or auth database URI
# description: >-
#   The tracking server's --backend-store-uri, an MLFLOW_* / DATABASE_URL environment variable or
#   basic_auth.ini's database_uri carries a literal password. Whoever reads the repository can
#   read and rewrite the registry's database directly, bypassing MLflow entirely.
# custom:
#   id: MLS-MLF-004
#   severity: high
#   stride: [information-disclosure]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: [ML06]
#   cwe: [798]
#   references: ["https://mlflow.org/docs/latest/tracking/backend-stores.html"]
#   remediation: >-
#     Reference the password from a secret (Kubernetes secretKeyRef, compose secrets or an
#     environment variable resolved at deploy time); never write it into the command or file.
package mlscan.controls.mlflow.credentials_in_uri

import rego.v1

deny contains v if {
	some server in input.mlflow.servers
	server.backend_store_uri_has_password
	server.backend_store_uri_loc != null
	v := {
		"msg": _backend_msg(server),
		"loc": server.backend_store_uri_loc,
		"asset": concat(":", [server.path, server.service]),
		"key": "backend-store-uri",
	}
}

_backend_msg(server) := sprintf("chart value %s holds a literal password for the MLflow backend store (%s)", [server.backend_store_uri_setting, server.backend_store_uri]) if {
	object.get(server, "backend_store_uri_setting", null) != null
}

_backend_msg(server) := sprintf("mlflow %s --backend-store-uri embeds a password (%s)", [server.kind, server.backend_store_uri]) if {
	object.get(server, "backend_store_uri_setting", null) == null
}

deny contains v if {
	some env in input.mlflow.environment
	env.has_password
	v := {
		"msg": sprintf("environment variable %s%s embeds a literal credential (value redacted)", [env.name, svc(env)]),
		"loc": env.loc,
		"asset": concat(":", [env.path, env.service]),
		"key": env.name,
	}
}

deny contains v if {
	some cfg in input.mlflow.auth_configs
	cfg.database_uri_has_password
	v := {
		"msg": sprintf("%s: database_uri embeds a password (%s)", [cfg.path, cfg.database_uri]),
		"loc": cfg.database_uri_loc,
		"asset": cfg.path,
		"key": "database_uri",
	}
}

svc(env) := sprintf(" in service '%s'", [env.service]) if env.service != ""

svc(env) := "" if env.service == ""
