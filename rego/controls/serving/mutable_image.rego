# METADATA
# title: Serving image is mutable (latest tag or no digest)
# description: >-
#   The model server runs an image referenced by a tag (or :latest, or no tag) instead of an
#   immutable digest, or pushes to an ECR repository with mutable tags. Whoever can push to
#   the registry can change what serves predictions, and a rollout cannot be tied to a
#   reviewed image.
# custom:
#   id: MLS-SRV-003
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010.004]
#   owasp_ml: [ML06]
#   cwe: [829]
#   references: ["https://kubernetes.io/docs/concepts/containers/images/#image-names", "CKV_K8S_14", "CKV_K8S_43", "CKV_AWS_51", "CKV_DOCKER_7"]
#   remediation: >-
#     Reference the image by digest (image@sha256:...), produced by the release pipeline, and
#     set image_tag_mutability = "IMMUTABLE" on the ECR repository.
package mlscan.controls.serving.mutable_image

import data.mlscan.lib.checkov
import data.mlscan.lib.serving
import rego.v1

_why(c) := "uses :latest" if c.tag == "latest"

_why(c) := "has no tag and no digest" if c.tag == null

_why(c) := sprintf("uses tag '%s' without a digest", [c.tag]) if {
	c.tag != null
	c.tag != "latest"
}

deny contains v if {
	some w in serving.workloads
	serving.serving_workload(w)
	some c in w.containers
	c.image != null
	not c.pinned_by_digest
	v := {
		"msg": sprintf("model server %s runs image %s, which %s", [w.address, c.image, _why(c)]),
		"loc": c.image_loc,
		"asset": w.address,
		"key": sprintf("%v", [c.name]),
		"evidence": {"image": c.image, "checkov": checkov.evidence("MLS-SRV-003", w.loc.path, w.address)},
	}
}

# SageMaker model containers: a moving tag (:latest or none). Versioned framework images
# (sklearn-inference:1.2-1) are published once and are not flagged here.
deny contains v if {
	some m in object.get(object.get(input, "iac", {}), "sagemaker_models", [])
	m.image != null
	not contains(m.image, "@sha256:")
	c := {"tag": _tag(m.image)}
	_moving(c.tag)
	v := {
		"msg": sprintf("SageMaker model %s runs image %s, which %s", [m.address, m.image, _why(c)]),
		"loc": m.loc,
		"asset": m.address,
		"key": "image",
	}
}

_moving(tag) if tag == null

_moving(tag) if tag == "latest"

_tag(image) := t if {
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
} else := null

deny contains v if {
	some r in object.get(object.get(input, "iac", {}), "ecr_repositories", [])
	r.tag_mutability != "IMMUTABLE"
	v := {
		"msg": sprintf("ECR repository %s allows tags to be overwritten (%s)", [r.address, r.tag_mutability]),
		"loc": r.loc,
		"asset": r.address,
		"key": "tag_mutability",
		"evidence": {"checkov": checkov.evidence("MLS-SRV-003", r.loc.path, r.address)},
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-SRV-003")
}
