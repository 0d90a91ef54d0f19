package mlscan.controls.mlflow.vulnerable_version

import rego.v1

mk_pin(parts) := {"version": "x", "parts": parts, "source": "image", "path": "c.yml", "loc": {"path": "c.yml", "line": 3}}

test_fires_on_2_9_1_with_the_right_cves if {
	vs := deny with input as {"mlflow": {"versions": [mk_pin([2, 9, 1])]}}
	some v in vs
	"CVE-2023-6831" in v.evidence.cves
	not "CVE-2023-1177" in v.evidence.cves
}

test_fires_on_1_x if {
	vs := deny with input as {"mlflow": {"versions": [mk_pin([1, 30, 0])]}}
	some v in vs
	count(v.evidence.cves) == 7
}

test_silent_on_patched if {
	count(deny) == 0 with input as {"mlflow": {"versions": [mk_pin([2, 11, 3]), mk_pin([3, 1, 0])]}}
}

test_silent_on_a_client_requirements_pin if {
	pin := {"version": "2.3.0", "parts": [2, 3, 0], "source": "requirements", "path": "requirements.txt", "loc": {"path": "requirements.txt", "line": 3}}
	count(deny) == 0 with input as {"mlflow": {"versions": [pin], "servers": []}}
}

test_fires_on_a_requirements_pin_when_a_server_runs if {
	pin := {"version": "2.3.0", "parts": [2, 3, 0], "source": "requirements", "path": "requirements.txt", "loc": {"path": "requirements.txt", "line": 3}}
	some v in deny with input as {"mlflow": {"versions": [pin], "servers": [{"kind": "server"}]}}
	v.loc.line == 3
}

test_silent_on_a_requirements_file_installed_only_into_a_client_image if {
	pin := {"version": "2.3.0", "parts": [2, 3, 0], "source": "requirements", "path": "requirements-api.txt", "loc": {"path": "requirements-api.txt", "line": 3},
		"installed_by": [{"path": "Dockerfile", "runs_server": false}]}
	count(deny) == 0 with input as {"mlflow": {"versions": [pin], "servers": [{"kind": "server"}]}}
}

test_fires_on_a_requirements_file_installed_where_the_server_starts if {
	pin := {"version": "2.3.0", "parts": [2, 3, 0], "source": "requirements", "path": "requirements.txt", "loc": {"path": "requirements.txt", "line": 3},
		"installed_by": [{"path": "Dockerfile", "runs_server": false}, {"path": "tracking/Dockerfile", "runs_server": true}]}
	some v in deny with input as {"mlflow": {"versions": [pin], "servers": [{"kind": "server"}]}}
	v.loc.line == 3
}
