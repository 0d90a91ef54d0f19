package mlscan.controls.iac.imds_v1

import rego.v1

_inst(tokens) := {"address": "aws_instance.mlflow", "http_tokens": tokens, "http_endpoint": null,
	"instance_profile": "aws_iam_instance_profile.p.name", "role": "aws_iam_role.host", "loc": {"path": "ec2.tf", "line": 3}}

_stmt(resources, buckets) := {"policy": "aws_iam_role_policy.w", "index": 0, "effect": "Allow", "roles": ["aws_iam_role.host"],
	"actions": ["s3:putobject"], "access": ["write"], "resources": resources, "buckets": buckets,
	"loc": {"path": "iam.tf", "line": 9}}

_assets := {"buckets": [{"name": "acme-models", "roles": ["model-store"], "links": [], "description": "SageMaker model data"}]}

test_fires_on_imdsv1_with_model_bucket_write if {
	vs := deny with input as {"assets": _assets, "iac": {"instances": [_inst(null)],
		"iam_statements": [_stmt(["arn:aws:s3:::acme-models/*"], ["acme-models"])]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 3
	contains(v.msg, "acme-models (SageMaker model data)")
}

test_fires_on_imdsv1_with_write_everywhere if {
	count(deny) == 1 with input as {"iac": {"instances": [_inst("optional")], "iam_statements": [_stmt(["*"], [])]}}
}

test_silent_when_tokens_required if {
	count(deny) == 0 with input as {"assets": _assets, "iac": {"instances": [_inst("required")],
		"iam_statements": [_stmt(["arn:aws:s3:::acme-models/*"], ["acme-models"])]}}
}

test_silent_on_unrelated_bucket if {
	count(deny) == 0 with input as {"iac": {"instances": [_inst(null)],
		"iam_statements": [_stmt(["arn:aws:s3:::acme-logs/*"], ["acme-logs"])]}}
}
