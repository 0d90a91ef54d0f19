package mlscan.lib.checkov_map_test

import data.mlscan.lib.checkov_map
import rego.v1

_severities := {"critical", "high", "medium", "low"}

_stride := {
	"spoofing", "tampering", "repudiation", "information-disclosure",
	"denial-of-service", "elevation-of-privilege",
}

test_every_builtin_entry_is_well_formed if {
	every id, e in checkov_map.builtin_checks {
		startswith(e.control, "MLS-")
		e.severity in _severities
		every s in e.stride {
			s in _stride
		}
		is_boolean(e.fallback)
		startswith(id, "CKV")
	}
}

test_builtin_map_is_effective_without_overrides if {
	checkov_map.checks == checkov_map.builtin_checks
	"CKV_AWS_21" in checkov_map.run_checks
}

test_user_entry_remaps_and_adds if {
	custom := {
		"CKV_AWS_21": {"control": "MLS-BKT-005", "severity": "low", "stride": [], "fallback": false},
		"CKV_AWS_144": {"control": "MLS-BKT-004", "severity": "high", "stride": ["tampering"], "fallback": true},
	}
	m := checkov_map.checks with data.mlscan.user.checkov.checks as custom
	m.CKV_AWS_21.control == "MLS-BKT-005"
	m.CKV_AWS_144.severity == "high"
	m.CKV_AWS_20.control == "MLS-BKT-001"
	ids := checkov_map.run_checks with data.mlscan.user.checkov.checks as custom
	"CKV_AWS_144" in ids
}

test_user_entry_with_null_control_unmaps if {
	custom := {"CKV_AWS_21": {"control": null}}
	m := checkov_map.checks with data.mlscan.user.checkov.checks as custom
	not m.CKV_AWS_21
	ids := checkov_map.run_checks with data.mlscan.user.checkov.checks as custom
	not "CKV_AWS_21" in ids
}
