# METADATA
# title: IMDSv1 on an instance whose role can write models or data
# description: >-
#   An EC2 instance accepts instance-metadata requests without a session token (IMDSv1:
#   metadata_options http_tokens is not "required"), and its instance profile's role can
#   write or delete objects on every bucket or on a bucket that holds models or training
#   data. One server-side request forgery in the model server or notebook running there
#   hands out credentials that can replace the models.
# custom:
#   id: MLS-IAC-007
#   severity: high
#   stride: [elevation-of-privilege, tampering]
#   linddun: []
#   atlas: [AML.T0055]
#   owasp_ml: [ML10]
#   cwe: [918]
#   references: ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html", "CKV_AWS_79"]
#   remediation: >-
#     Set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } and
#     scope the role's object writes to the prefixes the workload owns.
package mlscan.controls.iac.imds_v1

import data.mlscan.lib.ml_assets
import rego.v1

_iac := object.get(input, "iac", {})

_writes(s) if {
	some c in s.access
	c in {"write", "delete"}
}

_target(s) := "every bucket (Resource *)" if {
	some r in s.resources
	r in {"*", "arn:aws:s3:::*", "arn:aws:s3:::*/*"}
} else := concat(", ", [ml_assets.describe(n) | some n in _ml(s)]) if count(_ml(s)) > 0

_ml(s) := sort({n |
	some n in object.get(s, "buckets", [])
	some r in ml_assets.roles(n)
	r in {"model-store", "registry-artifacts", "training-data"}
})

_statements[role] contains s if {
	some s in object.get(_iac, "iam_statements", [])
	s.effect == "Allow"
	_writes(s)
	some role in s.roles
}

deny contains v if {
	some inst in object.get(_iac, "instances", [])
	inst.role != null
	object.get(inst, "http_endpoint", null) != "disabled"
	inst.http_tokens != "required"
	some s in _statements[inst.role]
	target := _target(s)
	v := {
		"msg": sprintf("%s allows IMDSv1 (http_tokens = %v) and its role %s can write to %s (%s)", [
			inst.address, _tokens(inst), inst.role, target, concat(", ", s.actions),
		]),
		"loc": inst.loc,
		"asset": inst.address,
		"key": sprintf("%s#%d", [s.policy, s.index]),
		"related": [s.loc],
		"evidence": {"http_tokens": inst.http_tokens, "role": inst.role, "actions": s.actions},
	}
}

_tokens(inst) := inst.http_tokens if inst.http_tokens != null

_tokens(inst) := "not set: optional" if inst.http_tokens == null
