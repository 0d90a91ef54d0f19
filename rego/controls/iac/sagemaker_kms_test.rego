package mlscan.controls.iac.sagemaker_kms

import rego.v1

_ec(kms, capture) := {"address": "aws_sagemaker_endpoint_configuration.e", "name": "e", "kms_key_set": kms,
	"data_capture": capture, "loc": {"path": "sm.tf", "line": 12}}

test_endpoint_without_kms if {
	vs := deny with input as {"iac": {"sagemaker_endpoint_configs": [_ec(false, null)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 12
}

test_capture_without_kms if {
	vs := deny with input as {"iac": {"sagemaker_endpoint_configs": [_ec(true, {"enabled": true, "kms_key_set": false})]}}
	count(vs) == 1
	some v in vs
	v.key == "data_capture_kms"
}

test_encrypted_endpoint_is_silent if {
	count(deny) == 0 with input as {"iac": {"sagemaker_endpoint_configs": [_ec(true, {"enabled": true, "kms_key_set": true})]}}
}

test_notebook_and_domain if {
	nb := {"address": "n", "name": "n", "kms_key_set": false, "loc": {"path": "sm.tf", "line": 1}}
	d := {"address": "d", "name": "d", "kms_key_set": true, "loc": {"path": "sm.tf", "line": 2}}
	count(deny) == 1 with input as {"iac": {"sagemaker_notebooks": [nb], "sagemaker_domains": [d]}}
}
