# METADATA
# title: Over-privileged training or serving role
# description: >-
#   An IAM role that SageMaker assumes (training, notebooks, serving) is allowed every action
#   of a service (s3:*, *), can change IAM policies, or - for a serving role - can write to
#   the model registry. A compromised training job or model server then owns the data,
#   the models and the account's permissions.
# custom:
#   id: MLS-IAC-003
#   severity: high
#   stride: [elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0012]
#   owasp_ml: [ML10]
#   cwe: [250]
#   references: ["https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html", "CKV2_AWS_68"]
#   remediation: >-
#     Scope the role to the buckets and prefixes the job reads and writes, list actions
#     explicitly, drop iam:* and keep registry writes (CreateModelPackage, ecr:PutImage) in the
#     release pipeline's role, not the serving role.
package mlscan.controls.iac.role_privilege

import data.mlscan.lib.checkov
import rego.v1

_iac := object.get(input, "iac", {})

_ml_role(role) if "sagemaker.amazonaws.com" in role.trusted_services

_ml_role(role) if count(role.used_by) > 0

# Named for an ML workload (training, serving, inference, models, MLflow).
_ml_role(role) if regex.match(`(?i)(train|sagemaker|serving|inference|model|mlflow)`, concat(" ", [role.address, _name(role)]))

_name(role) := role.name if role.name != null

_name(role) := "" if role.name == null

_serving_role(role) if {
	some u in role.used_by
	u.kind == "model"
}

_why(s, role) := "all actions of a service (*)" if {
	s.action_is_wildcard
} else := "IAM write (can grant itself more)" if {
	"iam_write" in s.access
} else := "registry write from a serving role" if {
	_serving_role(role)
	"registry_write" in s.access
}

_over(s, role) if s.action_is_wildcard

_over(s, role) if "iam_write" in s.access

_over(s, role) if {
	_serving_role(role)
	"registry_write" in s.access
}

deny contains v if {
	some s in object.get(_iac, "iam_statements", [])
	s.effect == "Allow"
	some role in object.get(_iac, "iam_roles", [])
	role.address in s.roles
	_ml_role(role)
	_over(s, role)
	v := {
		"msg": sprintf("role %s (%s) is allowed %s: %s on %s", [
			role.address, _users(role), _why(s, role), concat(", ", s.actions), concat(", ", s.resources),
		]),
		"loc": s.loc,
		"asset": role.address,
		"key": sprintf("%s#%d", [s.policy, s.index]),
		"related": [role.loc],
		"evidence": {"actions": s.actions, "resources": s.resources,
			"checkov": checkov.evidence("MLS-IAC-003", role.loc.path, role.address)},
	}
}

_users(role) := sprintf("used by %s", [concat(", ", [u.address | some u in role.used_by])]) if count(role.used_by) > 0

_users(role) := sprintf("assumed by %s", [concat(", ", role.trusted_services)]) if {
	count(role.used_by) == 0
	count(role.trusted_services) > 0
}

_users(role) := "an ML workload, by its name" if {
	count(role.used_by) == 0
	count(role.trusted_services) == 0
}

deny contains v if {
	some r in checkov.uncovered
	r.control == "MLS-IAC-003"
	v := checkov.violation(r)
}
