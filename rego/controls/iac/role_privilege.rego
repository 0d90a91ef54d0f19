# METADATA
# title: Over-privileged training or serving role
# description: >-
#   An IAM role that SageMaker assumes (training, notebooks, serving) is allowed every action
#   of a service (s3:*, *), can change IAM policies, carries a broad AWS managed policy
#   (AmazonS3FullAccess, AmazonSageMakerFullAccess, AdministratorAccess, ...), or - for a
#   serving role - can write to the model registry. A compromised training job or model server then owns the data,
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

import data.mlscan.lib.bucket_policy
import data.mlscan.lib.checkov
import rego.v1

_iac := object.get(input, "iac", {})

_roles := object.get(_iac, "iam_roles", [])

# Positions of roles by address, built once per evaluation (joins stay linear).
_role_at[role.address] contains i if {
	some i, role in _roles
}

_ml_name := `(?i)(train|sagemaker|serving|inference|model|mlflow)`

_ml_role(role) if "sagemaker.amazonaws.com" in role.trusted_services

_ml_role(role) if count(role.used_by) > 0

# Named for an ML workload (training, serving, inference, models, MLflow).
_ml_role(role) if regex.match(_ml_name, concat(" ", [role.address, _text(role.name)]))

_text(x) := x if is_string(x)

_text(x) := "" if not is_string(x)

# The ML roles a statement's policy is attached to.
_attached(s) := [role |
	some address in s.roles
	some i in _role_at[address]
	role := _roles[i]
	_ml_role(role)
]

_ml_statement(s) if count(_attached(s)) > 0

# A policy named for an ML workload, attached or not.
_ml_statement(s) if regex.match(_ml_name, concat(" ", [s.policy, _text(object.get(s, "policy_name", null))]))

_serving(s) if {
	some role in _attached(s)
	some u in role.used_by
	u.kind == "model"
}

_why(s) := "all actions of a service (*)" if {
	s.action_is_wildcard
} else := "IAM write (it can grant itself more)" if {
	"iam_write" in s.access
} else := "registry write from a serving role" if {
	_serving(s)
	"registry_write" in s.access
}

_over(s) if s.action_is_wildcard

_over(s) if "iam_write" in s.access

_over(s) if {
	_serving(s)
	"registry_write" in s.access
}

_who(s) := sprintf("role %s (%s)", [role.address, _users(role)]) if {
	attached := _attached(s)
	count(attached) > 0
	role := attached[0]
} else := sprintf("policy %s", [s.policy])

_asset(s) := attached[0].address if {
	attached := _attached(s)
	count(attached) > 0
} else := s.policy

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
	some s in object.get(_iac, "iam_statements", [])
	s.effect == "Allow"
	_ml_statement(s)
	_over(s)
	v := {
		"msg": sprintf("%s is allowed %s: %s on %s", [
			_who(s), _why(s), concat(", ", s.actions), concat(", ", s.resources),
		]),
		"loc": bucket_policy.block_anchor(s),
		"asset": _asset(s),
		"key": sprintf("%s#%d", [s.policy, s.index]),
		"related": array.concat([s.loc], [role.loc | some role in _attached(s)]),
		"evidence": {"actions": s.actions, "resources": s.resources},
	}
}

# AWS managed policies that give a training or serving role far more than it needs.
_broad_managed := {
	"AdministratorAccess",
	"PowerUserAccess",
	"IAMFullAccess",
	"AmazonS3FullAccess",
	"AmazonSageMakerFullAccess",
	"AmazonEC2ContainerRegistryFullAccess",
	"AmazonEC2ContainerRegistryPowerUser",
}

deny contains v if {
	some m in object.get(_iac, "iam_managed_policies", [])
	m.aws_managed
	m.policy_name in _broad_managed
	some i in _role_at[m.role]
	role := _roles[i]
	_ml_role(role)
	v := {
		"msg": sprintf("role %s (%s) has the AWS managed policy %s attached", [role.address, _users(role), m.policy_name]),
		"loc": m.loc,
		"asset": role.address,
		"key": m.policy_arn,
		"related": [role.loc],
		"evidence": {"policy_arn": m.policy_arn},
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-IAC-003")
}
