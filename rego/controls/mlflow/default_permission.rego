# METADATA
# title: MLflow default permission grants every user access
# description: >-
#   basic_auth.ini gives every authenticated user READ, EDIT or MANAGE on every experiment and
#   registered model. Any account, including a compromised or departing insider's, can read
#   models and (with EDIT/MANAGE) replace them. When default_permission is absent MLflow uses READ.
# custom:
#   id: MLS-MLF-003
#   severity: medium
#   stride: [information-disclosure, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0044]
#   owasp_ml: [ML05]
#   cwe: [276]
#   references: ["https://mlflow.org/docs/latest/auth/index.html#permissions"]
#   remediation: Set `default_permission = NO_PERMISSIONS` and grant access per experiment and model.
package mlscan.controls.mlflow.default_permission

import rego.v1

broad := {"READ", "EDIT", "MANAGE"}

deny contains v if {
	some cfg in input.mlflow.auth_configs
	perm := effective(cfg)
	perm in broad
	v := {
		"msg": sprintf("%s: default_permission %s gives every MLflow user %s access to all experiments and models", [cfg.path, perm, perm]),
		"loc": loc(cfg),
		"asset": cfg.path,
		"evidence": {"default_permission": perm},
		"severity": severity(perm),
	}
}

effective(cfg) := cfg.default_permission if cfg.default_permission != null

effective(cfg) := "READ" if cfg.default_permission == null

loc(cfg) := cfg.default_permission_loc if cfg.default_permission_loc != null

loc(cfg) := cfg.loc if cfg.default_permission_loc == null

severity(perm) := "high" if perm in {"EDIT", "MANAGE"}

severity(perm) := "medium" if perm == "READ"
