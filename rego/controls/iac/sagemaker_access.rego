# METADATA
# title: ML notebook or workspace with root access or direct internet access
# description: >-
#   A SageMaker notebook instance gives its users root, or has direct internet access, which
#   is the provider default when the attribute is left out (checkov's check passes in that
#   case). Root lets a notebook user change the instance and read every credential on it;
#   direct internet access lets data and models leave without passing the VPC's controls.
#   An Azure ML workspace with public network access (its default) is reported too.
# custom:
#   id: MLS-IAC-001
#   severity: high
#   stride: [elevation-of-privilege, information-disclosure]
#   linddun: [data-disclosure]
#   atlas: [AML.T0025]
#   owasp_ml: [ML05]
#   cwe: [250]
#   references: ["https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html", "CKV_AWS_307", "CKV_AWS_122"]
#   remediation: >-
#     Set root_access = "Disabled" and direct_internet_access = "Disabled" (RootAccess /
#     DirectInternetAccess in CloudFormation) and put the notebook in a private subnet.
package mlscan.controls.iac.sagemaker_access

import data.mlscan.lib.checkov
import data.mlscan.lib.ml_assets
import rego.v1

_iac := object.get(input, "iac", {})

_how(value) := "explicitly" if value != null

_how(value) := "by default: the attribute is absent and the provider default is Enabled" if value == null

_label(nb) := nb.name if nb.name != null

_label(nb) := nb.address if nb.name == null

deny contains v if {
	some nb in object.get(_iac, "sagemaker_notebooks", [])
	nb.root_access_effective == "Enabled"
	v := {
		"msg": sprintf("SageMaker notebook %s gives users root access (%s)", [_label(nb), _how(nb.root_access)]),
		"loc": nb.loc,
		"asset": nb.address,
		"key": "root_access",
		"evidence": {"root_access": nb.root_access, "checkov": checkov.evidence("MLS-IAC-001", nb.loc.path, nb.address)},
	}
}

deny contains v if {
	some nb in object.get(_iac, "sagemaker_notebooks", [])
	nb.direct_internet_access_effective == "Enabled"
	v := {
		"msg": sprintf("SageMaker notebook %s has direct internet access (%s)", [_label(nb), _how(nb.direct_internet_access)]),
		"loc": nb.loc,
		"asset": nb.address,
		"key": "direct_internet_access",
		"evidence": {"direct_internet_access": nb.direct_internet_access, "checkov": checkov.evidence("MLS-IAC-001", nb.loc.path, nb.address)},
	}
}

deny contains v if {
	some d in object.get(_iac, "sagemaker_domains", [])
	d.app_network_access_type == "PublicInternetOnly"
	v := {
		"msg": sprintf("SageMaker domain %s uses PublicInternetOnly network access", [_label(d)]),
		"loc": d.loc,
		"asset": d.address,
		"key": "app_network_access_type",
	}
}

# An Azure ML workspace reachable from the internet: public network access is enabled
# explicitly or left at its default (enabled). Medium: the workspace still asks for Entra ID
# sign-in, but its storage, registry and endpoints are reachable from anywhere.
deny contains v if {
	some w in object.get(_iac, "ml_workspaces", [])
	w.provider == "azure"
	w.public_network_access_enabled != false
	v := {
		"msg": sprintf("Azure ML workspace %s allows public network access (%s)", [_label(w), _how(w.public_network_access_enabled)]),
		"loc": w.loc,
		"asset": w.address,
		"key": "public_network_access_enabled",
		"severity": "medium",
	}
}

deny contains v if {
	some v in checkov.fallback("MLS-IAC-001")
}
