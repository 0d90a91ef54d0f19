package mlscan.controls.dvc.workspace_hash_mismatch

import rego.v1

mk_out(state, actual, changes) := {
	"path": "data/images", "source": "data/images.dvc", "is_dir": true,
	"hash_value": "7e7a9dcfc55a9a588de99b48d4dd5668.dir", "workspace_md5": actual,
	"workspace_state": state, "workspace_changes": changes,
	"loc": {"path": "data/images.dvc", "line": 6, "col": 3, "end_line": 6, "end_col": 20},
}

test_fires_on_mismatch if {
	vs := deny with input as {"dvc": {"outputs": [mk_out("mismatch", "0123456789abcdef0123456789abcdef.dir", null)]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 6
	v.asset == "data/images"
	v.related[0].path == "data/images"
	contains(v.msg, "recorded 7e7a9dcfc55a, workspace 0123456789ab")
}

test_names_changes if {
	changes := {"added": ["new.png"], "removed": [], "modified": ["a.png"], "added_count": 1, "removed_count": 0, "modified_count": 1}
	vs := deny with input as {"dvc": {"outputs": [mk_out("mismatch", "0123456789abcdef0123456789abcdef.dir", changes)]}}
	some v in vs
	endswith(v.msg, ": 1 added, 0 removed, 1 modified")
}

test_fires_when_kind_changed if {
	vs := deny with input as {"dvc": {"outputs": [mk_out("mismatch", null, null)]}}
	some v in vs
	contains(v.msg, "workspace none")
}

test_silent_on_match_absent_unreadable if {
	outs := [
		mk_out("match", "7e7a9dcfc55a9a588de99b48d4dd5668.dir", null),
		mk_out("absent", null, null),
		mk_out("unreadable", null, null),
		mk_out(null, null, null),
	]
	count(deny) == 0 with input as {"dvc": {"outputs": outs}}
}
