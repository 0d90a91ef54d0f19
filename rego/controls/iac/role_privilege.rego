# METADATA
# title: Over-privileged training or serving role
# description: >-
#   An IAM role that SageMaker assumes (training, notebooks, serving), or the role of a CI/CD
#   pipeline whose artifact store holds models, is allowed every action
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
import data.mlscan.lib.ml_assets
import rego.v1

_iac := object.get(input, "iac", {})

_roles := object.get(_iac, "iam_roles", [])

# Positions of roles by address, built once per evaluation (joins stay linear).
_role_at[role.address] contains i if {
	some i, role in _roles
}

_ml_name := `(?i)(train|sagemaker|serving|inference|model|mlflow)`

_ml_role(role) if "sagemaker.amazonaws.com" in role.trusted_services

# Used by a SageMaker resource, or by anything named for an ML workload (an ECS task or
# EC2 instance running MLflow or a model server); any EC2/ECS user alone is not enough.
_ml_role(role) if {
	some u in role.used_by
	u.kind in {"notebook", "model", "domain"}
}

_ml_role(role) if {
	some u in role.used_by
	regex.match(_ml_name, u.address)
}

# An EKS (IRSA) role whose Kubernetes service account is named for an ML workload.
_ml_role(role) if {
	some sa in object.get(role, "service_accounts", [])
	regex.match(_ml_name, sa)
}

# The role of a CI/CD pipeline whose artifact store holds models or data (its stages output
# a trained model: see ml_assets): the release pipeline pushes and deploys the models.
_ml_role(role) if {
	some store in object.get(_iac, "ci_artifact_stores", [])
	object.get(store, "role", null) == role.address
	_same_dir(store.loc.path, role.loc.path)
	ml_assets.ml_bucket(store.bucket)
}

_same_dir(a, b) if _dir(a) == _dir(b)

_dir(path) := concat("/", array.slice(parts, 0, count(parts) - 1)) if {
	parts := split(path, "/")
}

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
	_serving_role(role)
}

_serving_role(role) if {
	some u in role.used_by
	u.kind == "model"
}

_serving_role(role) if regex.match(`(?i)(serving|inference|predict|endpoint)`, concat(" ", [role.address, _text(role.name)]))

# Object write or delete (PutObject, DeleteObject, ...).
_writes(s) if {
	some c in s.access
	c in {"write", "delete"}
}

_every_resource(s) if {
	some r in s.resources
	r in {"*", "arn:aws:s3:::*", "arn:aws:s3:::*/*"}
}

# The buckets a statement names that hold models, training data or registry artifacts
# (not an inference-capture destination: SageMaker writes captures with the serving role).
_ml_buckets(s) := sort({n |
	some n in object.get(s, "buckets", [])
	some r in ml_assets.roles(n)
	r in {"model-store", "registry-artifacts", "training-data"}
})

# Narrower than _over: object writes by an ML role on every bucket, or by a serving role
# on a bucket that holds models or data (a compromised model server rewrites the models).
_write_reason(s) := "object write/delete on every bucket (Resource *)" if {
	not _over(s)
	_writes(s)
	_every_resource(s)
} else := sprintf("object write/delete from a serving role on %s", [concat(", ", [ml_assets.describe(n) | some n in _ml_buckets(s)])]) if {
	not _over(s)
	_writes(s)
	_serving(s)
	count(_ml_buckets(s)) > 0
}

# --- iam:PassRole scoped to named roles (the least-privilege pattern) ---------------
#
# PassRole lets the caller hand a role to a service; it escalates only when the caller can
# pass roles it chooses (Resource "*", role/*, a whole path). A statement whose only IAM
# write is PassRole, on specific roles, is how AWS documents SageMaker access:
#   exact role name (role/ml-exec, aws_iam_role.x.arn, Fn::GetAtt) -> scoped
#   role name pattern (role/service-role/SageMaker-*)             -> scoped with an
#                                                                     iam:PassedToService condition
#   any other resource (*, role/*, role/service-role/*)           -> IAM write

# IAM actions that read (they grant nothing).
_iam_read_prefixes := ["iam:get", "iam:list", "iam:simulate", "iam:generate"]

_iam_write_action(a) if {
	startswith(a, "iam:")
	a != "iam:passrole"
	not _iam_read(a)
}

_iam_read(a) if {
	some p in _iam_read_prefixes
	startswith(a, p)
}

# Condition operators that bind a key to the listed values (negated and ...IfExists ones
# do not: they are satisfied when the key is absent or different).
_binding_operators := {"stringequals", "stringlike", "stringequalsignorecase", "foranyvalue:stringequals", "foranyvalue:stringlike"}

_passed_to_service(s) if {
	some c in object.get(s, "conditions", [])
	c.key == "iam:passedtoservice"
	lower(c.operator) in _binding_operators
	count(c.values) > 0
	not "*" in c.values
}

# The role name a resource names, or "" for a reference to one role.
_role_name(r) := "" if regex.match(`^\$?\{?aws_iam_role\.[A-Za-z0-9_-]+(\[[^\]]*\])?\.arn\}?$`, r)

_role_name(r) := "" if {
	not regex.match(`:role/`, r)
	regex.match(`Fn::GetAtt|"Ref"`, r)
}

_role_name(r) := name if {
	[[_, path]] := regex.find_all_string_submatch_n(`:role/([^"]*)`, r, 1)
	parts := split(path, "/")
	name := parts[count(parts) - 1]
}

_exact_role(r) if _role_name(r) == ""

_exact_role(r) if {
	name := _role_name(r)
	name != ""
	not regex.match(`[*?]`, name)
}

# A name pattern with a literal part (SageMaker-*), not a bare wildcard.
_role_pattern(r) if {
	name := _role_name(r)
	regex.match(`[*?]`, name)
	regex.match(`[^*?]`, name)
}

_scoped_resource(s, r) if _exact_role(r)

_scoped_resource(s, r) if {
	_role_pattern(r)
	_passed_to_service(s)
}

scoped_passrole(s) if {
	"iam:passrole" in s.actions
	not s.action_is_wildcard
	not _other_iam_write(s)
	count(s.resources) > 0
	every r in s.resources {
		_scoped_resource(s, r)
	}
}

_other_iam_write(s) if {
	some a in s.actions
	_iam_write_action(a)
}

_iam_write(s) if {
	"iam_write" in s.access
	not scoped_passrole(s)
}

_why(s) := "all actions of a service (*)" if {
	s.action_is_wildcard
} else := "IAM write (it can grant itself more)" if {
	_iam_write(s)
} else := "registry write from a serving role" if {
	_serving(s)
	"registry_write" in s.access
}

_over(s) if s.action_is_wildcard

_over(s) if _iam_write(s)

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

_users(role) := sprintf("assumed by the Kubernetes service account %s", [concat(", ", role.service_accounts)]) if {
	count(role.used_by) == 0
	count(role.trusted_services) == 0
	count(object.get(role, "service_accounts", [])) > 0
}

_users(role) := "an ML workload, by its name" if {
	count(role.used_by) == 0
	count(role.trusted_services) == 0
	count(object.get(role, "service_accounts", [])) == 0
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

deny contains v if {
	some s in object.get(_iac, "iam_statements", [])
	s.effect == "Allow"
	count(_attached(s)) > 0
	why := _write_reason(s)
	v := {
		"msg": sprintf("%s is allowed %s: %s on %s", [
			_who(s), why, concat(", ", s.actions), concat(", ", s.resources),
		]),
		"loc": bucket_policy.block_anchor(s),
		"asset": _asset(s),
		"key": sprintf("%s#%d", [s.policy, s.index]),
		"related": array.concat([s.loc], [role.loc | some role in _attached(s)]),
		"evidence": {"actions": s.actions, "resources": s.resources, "buckets": _ml_buckets(s)},
	}
}

# GCS: a member with object admin (or storage admin) on a bucket that stores models.
_admin_roles := {"roles/storage.objectAdmin", "roles/storage.admin", "roles/storage.legacyBucketOwner"}

deny contains v if {
	some g in object.get(object.get(input, "bucket_policies", {}), "public_grants", [])
	g.provider == "gcp"
	g.role in _admin_roles
	not bucket_policy.public_member(g)
	ml_assets.stores_models(g.bucket)
	v := {
		"msg": sprintf("%s grants %s %s on %s: it can overwrite or delete every model", [
			g.address, g.member, g.role, ml_assets.describe(g.bucket),
		]),
		"loc": g.loc,
		"asset": g.bucket,
		"key": sprintf("%s#%s", [g.address, g.member]),
		"evidence": {"member": g.member, "role": g.role},
	}
}

# GCS: a serving service account (Cloud Run, Vertex endpoint) that can create or replace
# objects in a bucket that stores models.
_gcs_write_roles := {"roles/storage.objectCreator", "roles/storage.objectUser"}

_serving_sa_kinds := {"cloud-run", "vertex-endpoint"}

_sa_users[sa.address] := sa.used_by if {
	some sa in object.get(_iac, "service_accounts", [])
}

deny contains v if {
	some g in object.get(object.get(input, "bucket_policies", {}), "public_grants", [])
	g.provider == "gcp"
	g.role in _gcs_write_roles
	users := _sa_users[object.get(g, "service_account", "")]
	serving := [u.address | some u in users; u.kind in _serving_sa_kinds]
	count(serving) > 0
	ml_assets.stores_models(g.bucket)
	v := {
		"msg": sprintf("%s grants %s (used by %s) %s on %s: the model server can write into the model store", [
			g.address, g.service_account, concat(", ", serving), g.role, ml_assets.describe(g.bucket),
		]),
		"loc": g.loc,
		"asset": g.bucket,
		"key": sprintf("%s#%s", [g.address, g.member]),
		"evidence": {"member": g.member, "role": g.role, "used_by": serving},
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
