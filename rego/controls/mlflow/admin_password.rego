# METADATA
# title: Default or committed MLflow admin password
# description: >-
#   basic_auth.ini sets admin_password to MLflow's documented default (password1234) or commits a
#   literal password to the repository. Whoever reads the file, or the MLflow docs, owns the registry.
# custom:
#   id: MLS-MLF-002
#   severity: critical
#   stride: [spoofing, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0012]
#   owasp_ml: [ML05]
#   cwe: [1393, 798]
#   references: ["https://mlflow.org/docs/latest/auth/index.html#configuration"]
#   remediation: >-
#     Remove admin_password from the committed file; set it at deploy time from a secret store and
#     change the admin password through the MLflow API after the first start.
package mlscan.controls.mlflow.admin_password

import rego.v1

deny contains v if {
	some cfg in input.mlflow.auth_configs
	cfg.admin_password_present
	v := {
		"msg": message(cfg),
		"loc": cfg.admin_password_loc,
		"asset": cfg.path,
		"evidence": {"default_password": cfg.admin_password_is_default},
	}
}

# A stand-in word (changeme, xxx) is no committed secret, but it is a working password
# if the file is deployed unchanged: a separate, low finding.
deny contains v if {
	some cfg in input.mlflow.auth_configs
	object.get(cfg, "admin_password_placeholder_kind", null) == "word"
	v := {
		"msg": sprintf("%s sets a placeholder MLflow admin password (value redacted): it is not a committed secret, but it works as the password if deployed unchanged", [cfg.path]),
		"loc": cfg.admin_password_loc,
		"asset": cfg.path,
		"key": "placeholder",
		"severity": "low",
	}
}

message(cfg) := sprintf("%s sets MLflow's documented default admin password", [cfg.path]) if {
	cfg.admin_password_is_default
}

message(cfg) := sprintf("%s commits a literal MLflow admin password (value redacted)", [cfg.path]) if {
	not cfg.admin_password_is_default
}
