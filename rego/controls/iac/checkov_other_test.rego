package mlscan.controls.iac.checkov_other

import rego.v1

# CKV_AWS_163 is mapped to MLS-IAC-004 (low: generic image hygiene); CKV_AWS_21 to MLS-BKT-004; CKV_AWS_1 is unmapped

_r(extra) := object.union({"check_id": "CKV_AWS_163", "check_name": "scan on push", "resource": "aws_ecr_repository.r",
	"result": "failed", "native_fact": true, "loc": {"path": "ecr.tf", "line": 4}}, extra)

test_mapped_direct_check if {
	vs := deny with input as {"iac": {"checkov_results": [_r({"check_id": "CKV_AWS_32", "check_name": "registry policy open"})]}}
	count(vs) == 1
	some v in vs
	v.severity == "high"
	v.loc.line == 4
}

# Scan on push protects no model: reported, but low, whatever the registry holds.
test_scan_on_push_is_low_hygiene if {
	vs := deny with input as {"iac": {"checkov_results": [_r({})]}}
	count(vs) == 1
	some v in vs
	v.severity == "low"
	v.key == "CKV_AWS_163"
	v.loc.line == 4
}

test_unmapped_check_is_low if {
	vs := deny with input as {"iac": {"checkov_results": [_r({"check_id": "CKV_AWS_1"})]}}
	some v in vs
	v.severity == "low"
}

test_passed_and_other_controls_are_silent if {
	count(deny) == 0 with input as {"iac": {"checkov_results": [_r({"result": "passed"}), _r({"check_id": "CKV_AWS_21"})]}}
}

test_user_map_moves_a_check_here if {
	custom := {"CKV_AWS_21": {"control": "MLS-IAC-004", "severity": "high", "stride": [], "fallback": true}}
	vs := deny with input as {"iac": {"checkov_results": [_r({"check_id": "CKV_AWS_21"})]}}
		with data.mlscan.user.checkov.checks as custom
	some v in vs
	v.severity == "high"
}
