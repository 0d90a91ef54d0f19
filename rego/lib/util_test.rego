package mlscan.lib.util_test

import data.mlscan.lib.util
import rego.v1

test_file_loc_has_no_position if {
	util.file_loc("a/b.bin") == {"path": "a/b.bin", "line": null, "col": null, "end_line": null, "end_col": null}
}

test_violation_keeps_required_fields if {
	v := util.violation("m", {"path": "p", "line": 1}, "asset", {})
	v == {"msg": "m", "loc": {"path": "p", "line": 1}, "asset": "asset"}
}

test_violation_adds_optional_fields if {
	v := util.violation("m", util.file_loc("p"), "a", {"key": "k", "severity": "low"})
	v.key == "k"
	v.severity == "low"
	v.loc.path == "p"
}

test_plaintext_url if {
	util.plaintext_url("HTTP://mirror/store")
	not util.plaintext_url("https://mirror/store")
}
