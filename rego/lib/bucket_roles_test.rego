package mlscan.lib.bucket_roles_test

import data.mlscan.lib.bucket_roles
import rego.v1

test_name_hints_in_order if {
	bucket_roles.hint_role("acme-mlflow-models") == "registry-artifacts"
	bucket_roles.hint_role("acme-models") == "model-store"
	bucket_roles.hint_role("acme-training-data") == "training-data"
	not bucket_roles.hint_role("acme-logs")
}

test_link_roles if {
	bucket_roles.link_roles["dvc-remote"] == "training-data"
	bucket_roles.link_roles["sagemaker-model-data"] == "model-store"
}

test_user_hints_come_first if {
	extra := [{"role": "model-store", "pattern": "(?i)weights"}]
	bucket_roles.hint_role("acme-weights-data") == "model-store" with data.mlscan.user.bucket_roles.extra_name_hints as extra
	bucket_roles.hint_role("acme-weights-data") == "training-data"
}

test_ci_output_hints if {
	bucket_roles.ci_output_role("TrainedModel") == "model-store"
	bucket_roles.ci_output_role("CuratedDataset") == "training-data"
	not bucket_roles.ci_output_role("SourceOutput")
	not bucket_roles.ci_output_role("BuildArtifact")
}

test_immutable_hints if {
	bucket_roles.immutable_name("DataRetention=compliance-7y")
	bucket_roles.immutable_name("acme-models-worm")
	not bucket_roles.immutable_name("acme-models-dev")
	bucket_roles.immutable_name("acme-models-gold") with data.mlscan.user.bucket_roles.immutable_hints as ["gold"]
}
