# METADATA
# title: MLflow version with known path-traversal or file-inclusion CVEs
# description: >-
#   The deployment pins an MLflow release older than the fix for published path-traversal / local
#   file inclusion vulnerabilities that let an unauthenticated client read arbitrary files (cloud
#   credentials, other models) from the tracking server. Version ranges are in the policy's
#   `advisories` table: CVE-2023-1177 (< 2.2.1), CVE-2023-2356 and CVE-2023-2780 (< 2.3.1),
#   CVE-2023-6831 and CVE-2023-6909 (< 2.9.2), CVE-2024-3573 (< 2.10.0), CVE-2024-2928 (< 2.11.3).
#   Pins in requirements, conda environments and pip installs count only where the repository
#   runs an MLflow server or UI; elsewhere MLflow is a client library.
# custom:
#   id: MLS-MLF-006
#   severity: high
#   stride: [information-disclosure, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0049]
#   owasp_ml: [ML06]
#   cwe: [22, 1395]
#   references:
#     - "https://nvd.nist.gov/vuln/detail/CVE-2023-1177"
#     - "https://nvd.nist.gov/vuln/detail/CVE-2023-2356"
#     - "https://nvd.nist.gov/vuln/detail/CVE-2023-2780"
#     - "https://nvd.nist.gov/vuln/detail/CVE-2023-6831"
#     - "https://nvd.nist.gov/vuln/detail/CVE-2023-6909"
#     - "https://nvd.nist.gov/vuln/detail/CVE-2024-3573"
#     - "https://nvd.nist.gov/vuln/detail/CVE-2024-2928"
#   remediation: Upgrade MLflow to 2.11.3 or later and pin the image by digest.
package mlscan.controls.mlflow.vulnerable_version

import data.mlscan.lib.mlflow
import rego.v1

# CVE id -> first fixed version.
advisories := {
	"CVE-2023-1177": [2, 2, 1],
	"CVE-2023-2356": [2, 3, 1],
	"CVE-2023-2780": [2, 3, 1],
	"CVE-2023-6831": [2, 9, 2],
	"CVE-2023-6909": [2, 9, 2],
	"CVE-2024-3573": [2, 10, 0],
	"CVE-2024-2928": [2, 11, 3],
}

# The advisories are in the tracking server. A pin in requirements, a conda env or a pip
# install counts only when the repository runs an MLflow server or UI; otherwise MLflow
# is a client library there. Image tags and chart versions are servers by themselves.
_server_deployed if {
	some s in object.get(input.mlflow, "servers", [])
	s.kind in {"server", "ui"}
}

_applies(pin) if not pin.source in {"requirements", "conda", "pip"}

_applies(pin) if {
	pin.source in {"requirements", "conda", "pip"}
	_server_deployed
	not _client_install(pin)
}

# a requirements / conda file installed only into images or scripts that start no MLflow
# server is an MLflow client's (a serving image, a training job), not the server's install
_client_install(pin) if {
	installers := object.get(pin, "installed_by", [])
	count(installers) > 0
	every i in installers {
		not i.runs_server
	}
}

deny contains v if {
	some pin in input.mlflow.versions
	_applies(pin)
	cves := sort([cve | some cve, fixed in advisories; mlflow.version_lt(pin.parts, fixed)])
	count(cves) > 0
	v := {
		"msg": sprintf("MLflow %s (%s in %s) is affected by %s", [pin.version, pin.source, pin.path, concat(", ", cves)]),
		"loc": pin.loc,
		"asset": pin.path,
		"key": pin.version,
		"evidence": {"version": pin.version, "cves": cves},
	}
}
