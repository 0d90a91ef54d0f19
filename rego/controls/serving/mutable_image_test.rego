package mlscan.controls.serving.mutable_image

import rego.v1

_w(hints, image, tag, pinned) := {"address": "Deployment.ml.scorer", "kind": "Deployment", "namespace": "ml", "name": "scorer", "ports": ["8080"], "serving_hints": hints, "loc": {"path": "k.yaml", "line": 1},
	"containers": [{"name": "server", "image": image, "tag": tag, "pinned_by_digest": pinned, "image_loc": {"path": "k.yaml", "line": 18}}]}

test_latest_tag if {
	vs := deny with input as {"serving": {"workloads": [_w(["env:MODEL_URI"], "acme/s:latest", "latest", false)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 18
	contains(v.msg, ":latest")
}

test_tag_without_digest if {
	vs := deny with input as {"serving": {"workloads": [_w(["env:MODEL_URI"], "acme/s:1.2", "1.2", false)]}}
	some v in vs
	contains(v.msg, "'1.2' without a digest")
	contains(v.msg, "model server Deployment ml/scorer")
}

test_unresolved_tag_is_not_called_missing if {
	vs := deny with input as {"serving": {"workloads": [_w(["image:acme/inference"], "acme/inference:${TAG}", "${TAG}", false)]}}
	some v in vs
	contains(v.msg, "tag not resolved")
	not contains(v.msg, "no tag")
}

test_silent_for_test_image_in_checkov_dockerfile if {
	r := {"check_id": "CKV_DOCKER_7", "check_name": "latest", "framework": "dockerfile", "resource": "tests/Dockerfile.FROM",
		"result": "failed", "control": "MLS-SRV-003", "fallback": true, "native_fact": false, "loc": {"path": "tests/Dockerfile", "line": 1}}
	count(deny) == 0 with input as {"iac": {"checkov_results": [r]}}
}

test_fires_for_checkov_dockerfile_of_a_model_server if {
	r := {"check_id": "CKV_DOCKER_7", "check_name": "latest", "framework": "dockerfile", "resource": "Dockerfile.FROM",
		"result": "failed", "control": "MLS-SRV-003", "fallback": true, "native_fact": false, "loc": {"path": "Dockerfile", "line": 1}}
	d := {"path": "Dockerfile", "serving_evidence": ["command:uvicorn"], "loc": {"path": "Dockerfile", "line": 1}}
	some v in deny with input as {"iac": {"checkov_results": [r]}, "serving": {"dockerfiles": [d]}}
	contains(v.msg, "model server image")
}

test_digest_is_silent if {
	img := "acme/s@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	count(deny) == 0 with input as {"serving": {"workloads": [_w(["env:MODEL_URI"], img, null, true)]}}
}

test_non_serving_workload_is_silent if {
	count(deny) == 0 with input as {"serving": {"workloads": [_w([], "redis:latest", "latest", false)]}}
}

test_mutable_ecr_repository if {
	r := {"address": "aws_ecr_repository.r", "tag_mutability": "MUTABLE", "loc": {"path": "ecr.tf", "line": 1}}
	count(deny) == 1 with input as {"iac": {"ecr_repositories": [r]}}
	count(deny) == 0 with input as {"iac": {"ecr_repositories": [object.union(r, {"tag_mutability": "IMMUTABLE"})]}}
}

test_sagemaker_model_image if {
	m := {"address": "aws_sagemaker_model.m", "image": "1.dkr.ecr.eu-west-1.amazonaws.com/s:latest", "loc": {"path": "sm.tf", "line": 3}}
	vs := deny with input as {"iac": {"sagemaker_models": [m]}}
	some v in vs
	contains(v.msg, ":latest")
}

test_sagemaker_versioned_framework_image_is_silent if {
	m := {"address": "aws_sagemaker_model.m", "image": "763104351884.dkr.ecr.eu-central-1.amazonaws.com/sklearn-inference:1.2-1", "loc": {"path": "sm.tf", "line": 3}}
	count(deny) == 0 with input as {"iac": {"sagemaker_models": [m]}}
}

test_fires_on_sagemaker_image_from_a_variable_with_a_true_message if {
	m := {"address": "aws_sagemaker_model.m", "image": "${var.serving_image}", "loc": {"path": "sm.tf", "line": 3}}
	some v in deny with input as {"iac": {"sagemaker_models": [m]}}
	contains(v.msg, "tag not resolved, no digest")
}

test_silent_on_sagemaker_image_with_a_version_tag if {
	m := {"address": "aws_sagemaker_model.m", "image": "1.dkr.ecr.eu-west-1.amazonaws.com/sklearn-inference:1.2-1", "loc": {"path": "sm.tf", "line": 3}}
	count(deny) == 0 with input as {"iac": {"sagemaker_models": [m]}}
}
