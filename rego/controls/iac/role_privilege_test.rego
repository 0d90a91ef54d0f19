package mlscan.controls.iac.role_privilege

import rego.v1

_role(services, used_by) := {"address": "aws_iam_role.r", "name": null, "trusted_services": services, "used_by": used_by,
	"loc": {"path": "iam.tf", "line": 1}}

_stmt(actions, access, wildcard) := {"policy": "aws_iam_role.r.inline_policy[0]", "policy_name": null, "index": 0, "effect": "Allow",
	"roles": ["aws_iam_role.r"], "actions": actions, "resources": ["*"], "access": access,
	"action_is_wildcard": wildcard, "loc": {"path": "iam.tf", "line": 14}, "block_loc": {"path": "iam.tf", "line": 12}}

test_s3_star_on_sagemaker_role if {
	vs := deny with input as {"iac": {"iam_roles": [_role(["sagemaker.amazonaws.com"], [])],
		"iam_statements": [_stmt(["s3:*"], ["read", "write"], true)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 12
	v.related[0].line == 14
}

test_iam_write if {
	count(deny) == 1 with input as {"iac": {"iam_roles": [_role(["sagemaker.amazonaws.com"], [])],
		"iam_statements": [_stmt(["iam:putrolepolicy"], ["iam_write"], false)]}}
}

test_registry_write_from_serving_role if {
	r := _role([], [{"kind": "model", "address": "aws_sagemaker_model.m"}])
	count(deny) == 1 with input as {"iac": {"iam_roles": [r],
		"iam_statements": [_stmt(["sagemaker:createmodelpackage"], ["registry_write"], false)]}}
}

test_registry_write_from_training_role_is_silent if {
	r := _role(["sagemaker.amazonaws.com"], [{"kind": "notebook", "address": "n"}])
	count(deny) == 0 with input as {"iac": {"iam_roles": [r],
		"iam_statements": [_stmt(["sagemaker:createmodelpackage"], ["registry_write"], false)]}}
}

test_role_named_for_training if {
	r := object.union(_role(["ec2.amazonaws.com"], []), {"name": "sentiment-training"})
	count(deny) == 1 with input as {"iac": {"iam_roles": [r],
		"iam_statements": [_stmt(["s3:*"], ["read", "write"], true)]}}
}

test_non_ml_role_is_silent if {
	r := object.union(_role(["lambda.amazonaws.com"], []), {"address": "aws_iam_role.billing", "name": "billing"})
	count(deny) == 0 with input as {"iac": {"iam_roles": [r],
		"iam_statements": [_stmt(["s3:*"], ["read", "write"], true)]}}
}

test_unattached_policy_named_for_mlflow if {
	s := object.union(_stmt(["s3:*"], ["read", "write"], true), {"policy": "aws_iam_policy.mlflow_server", "roles": []})
	count(deny) == 1 with input as {"iac": {"iam_roles": [], "iam_statements": [s]}}
	scoped := object.union(s, {"actions": ["s3:getobject"], "access": ["read"], "action_is_wildcard": false})
	count(deny) == 0 with input as {"iac": {"iam_roles": [], "iam_statements": [scoped]}}
}

test_broad_managed_policy_on_sagemaker_role if {
	m := {"role": "aws_iam_role.r", "policy_arn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
		"policy_name": "AmazonSageMakerFullAccess", "aws_managed": true, "address": "aws_iam_role_policy_attachment.a",
		"loc": {"path": "iam.tf", "line": 30}}
	vs := deny with input as {"iac": {"iam_roles": [_role(["sagemaker.amazonaws.com"], [])], "iam_managed_policies": [m]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 30
	scoped := object.union(m, {"policy_arn": "arn:aws:iam::aws:policy/AmazonSageMakerReadOnly", "policy_name": "AmazonSageMakerReadOnly"})
	count(deny) == 0 with input as {"iac": {"iam_roles": [_role(["sagemaker.amazonaws.com"], [])], "iam_managed_policies": [scoped]}}
}

test_fires_on_put_object_everywhere_by_sagemaker_role if {
	vs := deny with input as {"iac": {"iam_roles": [_role(["sagemaker.amazonaws.com"], [])],
		"iam_statements": [_stmt(["s3:putobject"], ["write"], false)]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "object write/delete on every bucket (Resource *)")
}

_on_bucket(st, bucket) := object.union(st, {"resources": [sprintf("arn:aws:s3:::%s/*", [bucket])], "buckets": [bucket]})

_model_assets := {"buckets": [{"name": "acme-models", "roles": ["model-store"], "role_sources": ["link"],
	"links": [], "description": "SageMaker model data"}]}

test_fires_on_model_bucket_write_by_serving_role if {
	r := _role([], [{"kind": "model", "address": "aws_sagemaker_model.m"}])
	vs := deny with input as {"assets": _model_assets, "iac": {"iam_roles": [r],
		"iam_statements": [_on_bucket(_stmt(["s3:putobject"], ["write"], false), "acme-models")]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "from a serving role on acme-models (SageMaker model data)")
}

test_silent_on_model_bucket_write_by_training_role if {
	r := _role(["sagemaker.amazonaws.com"], [{"kind": "notebook", "address": "n"}])
	count(deny) == 0 with input as {"assets": _model_assets, "iac": {"iam_roles": [r],
		"iam_statements": [_on_bucket(_stmt(["s3:putobject"], ["write"], false), "acme-models")]}}
}

_grant(role) := {"provider": "gcp", "kind": "iam-member", "address": "google_storage_bucket_iam_member.w",
	"bucket": "acme-models", "member": "serviceAccount:svc@p.iam.gserviceaccount.com",
	"role": role, "loc": {"path": "gcs.tf", "line": 7}}

test_fires_on_object_admin_on_model_store if {
	vs := deny with input as {"assets": _model_assets, "bucket_policies": {"public_grants": [_grant("roles/storage.objectAdmin")]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 7
}

test_silent_on_object_viewer_on_model_store if {
	count(deny) == 0 with input as {"assets": _model_assets, "bucket_policies": {"public_grants": [_grant("roles/storage.objectViewer")]}}
}

test_fires_on_irsa_role_of_an_inference_service_account if {
	r := object.union(_role([], []), {"service_accounts": ["serving/inference-api"]})
	vs := deny with input as {"iac": {"iam_roles": [r], "iam_statements": [_stmt(["s3:*"], ["write"], true)]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "assumed by the Kubernetes service account serving/inference-api")
}

test_silent_on_irsa_role_of_an_unrelated_service_account if {
	r := object.union(_role([], []), {"service_accounts": ["kube-system/external-dns"]})
	count(deny) == 0 with input as {"iac": {"iam_roles": [r], "iam_statements": [_stmt(["s3:*"], ["write"], true)]}}
}

_sa_grant(role) := object.union(_grant(role), {"member": "serviceAccount:${google_service_account.s.email}",
	"service_account": "google_service_account.s"})

_sa_iac(kind) := {"service_accounts": [{"address": "google_service_account.s", "used_by": [{"kind": kind, "address": "google_cloud_run_v2_service.api"}]}]}

test_fires_on_object_creator_for_a_cloud_run_service_account if {
	vs := deny with input as {"assets": _model_assets, "iac": _sa_iac("cloud-run"),
		"bucket_policies": {"public_grants": [_sa_grant("roles/storage.objectCreator")]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "used by google_cloud_run_v2_service.api")
}

test_silent_on_object_creator_for_a_training_service_account if {
	count(deny) == 0 with input as {"assets": _model_assets, "iac": _sa_iac("instance"),
		"bucket_policies": {"public_grants": [_sa_grant("roles/storage.objectCreator")]}}
}

test_silent_on_a_plain_web_instance_role if {
	r := _role(["ec2.amazonaws.com"], [{"kind": "instance", "address": "aws_instance.web"}])
	count(deny) == 0 with input as {"iac": {"iam_roles": [r], "iam_statements": [_stmt(["s3:*"], ["write"], true)]}}
}

test_fires_on_the_role_of_an_mlflow_instance if {
	r := _role(["ec2.amazonaws.com"], [{"kind": "instance", "address": "aws_instance.mlflow_server"}])
	count(deny) == 1 with input as {"iac": {"iam_roles": [r], "iam_statements": [_stmt(["s3:*"], ["write"], true)]}}
}

_pipeline_store(bucket) := {"address": "aws_codepipeline.release", "bucket": bucket, "role": "aws_iam_role.r",
	"output_artifacts": ["TrainedModel"], "loc": {"path": "pipeline.tf", "line": 3}}

_model_store_assets := {"buckets": [{"name": "acme-models", "roles": ["model-store"], "role": "model-store",
	"role_sources": ["link"], "stores_models": true, "links": [], "description": ""}]}

test_fires_on_the_role_of_a_pipeline_whose_store_holds_models if {
	r := _role(["codepipeline.amazonaws.com"], [])
	count(deny) == 1 with input as {"iac": {"iam_roles": [r], "ci_artifact_stores": [_pipeline_store("acme-models")],
		"iam_statements": [_stmt(["*"], ["read", "write"], true)]}, "assets": _model_store_assets}
}

test_silent_on_the_role_of_a_pipeline_with_a_scratch_store if {
	r := _role(["codepipeline.amazonaws.com"], [])
	count(deny) == 0 with input as {"iac": {"iam_roles": [r], "ci_artifact_stores": [_pipeline_store("acme-build-scratch")],
		"iam_statements": [_stmt(["*"], ["read", "write"], true)]}, "assets": _model_store_assets}
}

# --- iam:PassRole scoped to named roles -------------------------------------------------

_passrole(resources, conditions, actions) := object.union(_stmt(actions, ["iam_write"], false),
	{"resources": resources, "conditions": conditions})

_to_sagemaker := [{"operator": "StringEquals", "key": "iam:passedtoservice", "values": ["sagemaker.amazonaws.com"]}]

_sm_role := [_role(["sagemaker.amazonaws.com"], [])]

test_passrole_on_role_pattern_with_service_condition_is_silent if {
	s := _passrole([`{"Fn::Sub":"arn:aws:iam::${AWS::AccountId}:role/service-role/SageMaker-*"}`], _to_sagemaker, ["iam:passrole"])
	count(deny) == 0 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [s]}}
}

test_passrole_on_exact_role_is_silent if {
	s := _passrole(["arn:aws:iam::123456789012:role/fraud-training-exec"], [], ["iam:passrole", "iam:getrole"])
	count(deny) == 0 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [s]}}
	ref := _passrole(["${aws_iam_role.training.arn}"], [], ["iam:passrole"])
	count(deny) == 0 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [ref]}}
}

test_passrole_on_every_role_fires if {
	s := _passrole(["*"], _to_sagemaker, ["iam:passrole"])
	vs := deny with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [s]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "IAM write")
	v.loc.line == 12
}

test_passrole_on_role_path_wildcard_fires if {
	s := _passrole(["arn:aws:iam::123456789012:role/service-role/*"], _to_sagemaker, ["iam:passrole"])
	count(deny) == 1 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [s]}}
}

test_passrole_on_role_pattern_without_service_condition_fires if {
	s := _passrole(["arn:aws:iam::123456789012:role/SageMaker-*"], [], ["iam:passrole"])
	count(deny) == 1 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [s]}}
	negated := [{"operator": "StringNotEquals", "key": "iam:passedtoservice", "values": ["ec2.amazonaws.com"]}]
	t := _passrole(["arn:aws:iam::123456789012:role/SageMaker-*"], negated, ["iam:passrole"])
	count(deny) == 1 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [t]}}
}

test_scoped_passrole_beside_other_iam_write_fires if {
	s := _passrole(["arn:aws:iam::123456789012:role/fraud-training-exec"], [], ["iam:passrole", "iam:putrolepolicy"])
	count(deny) == 1 with input as {"iac": {"iam_roles": _sm_role, "iam_statements": [s]}}
}
