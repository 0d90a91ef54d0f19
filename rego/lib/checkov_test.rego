package mlscan.lib.checkov_test

import data.mlscan.lib.checkov
import rego.v1

_r(extra) := object.union(
	{
		"check_id": "CKV_AWS_21", "check_name": "versioning", "resource": "aws_s3_bucket.m",
		"result": "failed", "native_fact": false, "loc": {"path": "s3.tf", "line": 2},
	},
	extra,
)

test_fallback_reports_uncovered_failed_check if {
	vs := checkov.fallback("MLS-BKT-004") with input as {"iac": {"checkov_results": [_r({})]}}
	vs == {{
		"msg": "checkov CKV_AWS_21 failed on aws_s3_bucket.m: versioning",
		"loc": {"path": "s3.tf", "line": 2},
		"asset": "aws_s3_bucket.m",
		"key": "CKV_AWS_21",
		"evidence": {"checkov": ["CKV_AWS_21"]},
	}}
}

test_fallback_silent_for_other_control if {
	count(checkov.fallback("MLS-BKT-001")) == 0 with input as {"iac": {"checkov_results": [_r({})]}}
}

test_fallback_silent_with_native_fact if {
	count(checkov.fallback("MLS-BKT-004")) == 0 with input as {"iac": {"checkov_results": [_r({"native_fact": true})]}}
}

test_fallback_silent_for_passed_check if {
	count(checkov.fallback("MLS-BKT-004")) == 0 with input as {"iac": {"checkov_results": [_r({"result": "passed"})]}}
}

test_fallback_silent_for_evidence_only_check if {
	# CKV_AWS_19 is mapped to MLS-BKT-007 with fallback false
	count(checkov.fallback("MLS-BKT-007")) == 0 with input as {"iac": {"checkov_results": [_r({"check_id": "CKV_AWS_19"})]}}
}

test_fallback_follows_user_map if {
	custom := {"CKV_AWS_21": {"control": "MLS-BKT-006", "severity": "low", "stride": [], "fallback": true}}
	count(checkov.fallback("MLS-BKT-006")) == 1 with input as {"iac": {"checkov_results": [_r({})]}}
		with data.mlscan.user.checkov.checks as custom
	count(checkov.fallback("MLS-BKT-004")) == 0 with input as {"iac": {"checkov_results": [_r({})]}}
		with data.mlscan.user.checkov.checks as custom
}

test_evidence_lists_failed_ids_per_resource if {
	results := [_r({}), _r({"check_id": "CKV_AWS_20"}), _r({"resource": "aws_s3_bucket.other"})]
	checkov.evidence("MLS-BKT-004", "s3.tf", "aws_s3_bucket.m") == ["CKV_AWS_21"] with input as {"iac": {"checkov_results": results}}
	checkov.evidence("MLS-BKT-004", "s3.tf", "aws_s3_bucket.none") == [] with input as {"iac": {"checkov_results": results}}
}

test_mapped_and_entry if {
	checkov.mapped({"check_id": "CKV_AWS_21"})
	not checkov.mapped({"check_id": "CKV_AWS_1"})
	checkov.entry({"check_id": "CKV_AWS_21"}).control == "MLS-BKT-004"
}
