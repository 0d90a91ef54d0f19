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

test_loopback_urls if {
	util.loopback_url("http://127.0.0.1:5000/api")
	util.loopback_url("http://user@localhost/x")
	util.loopback_url("http://[::1]:8080/")
	util.loopback_url("HTTP://127.1.2.3")
	not util.loopback_url("http://mlflow:5000")
	not util.loopback_url("http://127.0.0.1.example.com/")
	not util.loopback_url("http://10.0.0.5/")
}

test_loopback_hosts if {
	util.loopback_host("::1")
	util.loopback_host("127.0.0.53")
	not util.loopback_host("0.0.0.0")
}
