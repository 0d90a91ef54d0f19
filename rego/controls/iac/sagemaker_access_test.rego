package mlscan.controls.iac.sagemaker_access

import rego.v1

_notebook(root, internet) := {"address": "aws_sagemaker_notebook_instance.nb", "name": "nb",
	"root_access": root, "root_access_effective": _effective(root),
	"direct_internet_access": internet, "direct_internet_access_effective": _effective(internet),
	"loc": {"path": "sm.tf", "line": 3}}

_effective(v) := v if v != null

_effective(v) := "Enabled" if v == null

test_absent_attributes_default_to_enabled if {
	vs := deny with input as {"iac": {"sagemaker_notebooks": [_notebook(null, null)]}}
	count(vs) == 2
	every v in vs {
		v.loc.line == 3
		contains(v.msg, "provider default is Enabled")
	}
}

test_explicit_root_access if {
	vs := deny with input as {"iac": {"sagemaker_notebooks": [_notebook("Enabled", "Disabled")]}}
	count(vs) == 1
	some v in vs
	v.key == "root_access"
}

test_hardened_notebook_is_silent if {
	count(deny) == 0 with input as {"iac": {"sagemaker_notebooks": [_notebook("Disabled", "Disabled")]}}
}

test_public_domain if {
	d := {"address": "aws_sagemaker_domain.d", "name": "d", "app_network_access_type": "PublicInternetOnly", "loc": {"path": "sm.tf", "line": 9}}
	count(deny) == 1 with input as {"iac": {"sagemaker_domains": [d]}}
	count(deny) == 0 with input as {"iac": {"sagemaker_domains": [object.union(d, {"app_network_access_type": "VpcOnly"})]}}
}

_workspace(public) := {"address": "azurerm_machine_learning_workspace.w", "name": "credit-ml", "provider": "azure",
	"public_network_access_enabled": public, "storage": "acmecreditml", "loc": {"path": "ml.tf", "line": 3}}

test_azure_ml_workspace_public_by_default if {
	vs := deny with input as {"iac": {"ml_workspaces": [_workspace(null)]}}
	[[v.key, v.severity, v.loc.line] | some v in vs] == [["public_network_access_enabled", "medium", 3]]
	some v in vs
	contains(v.msg, "by default")
}

test_azure_ml_workspace_public_explicitly if {
	count(deny) == 1 with input as {"iac": {"ml_workspaces": [_workspace(true)]}}
}

test_azure_ml_workspace_private_is_silent if {
	count(deny) == 0 with input as {"iac": {"ml_workspaces": [_workspace(false)]}}
}
