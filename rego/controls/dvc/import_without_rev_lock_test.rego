package mlscan.controls.dvc.import_without_rev_lock

import rego.v1

mk_dep(repo) := {
	"path": "data/features", "source": "features.dvc", "repo": repo,
	"loc": {"path": "features.dvc", "line": 3, "col": 3, "end_line": 3, "end_col": 22},
}

repo_loc := {"path": "features.dvc", "line": 4, "col": 3, "end_line": 4, "end_col": 7}

test_fires_without_rev_lock if {
	d := mk_dep({"url": "https://github.com/acme/data", "rev": null, "rev_lock": null, "loc": repo_loc})
	vs := deny with input as {"dvc": {"dependencies": [d]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 4
	v.asset == "data/features"
	contains(v.msg, "default branch")
}

test_mentions_moving_rev if {
	d := mk_dep({"url": "https://github.com/acme/data", "rev": "main", "rev_lock": null, "loc": repo_loc})
	vs := deny with input as {"dvc": {"dependencies": [d]}}
	some v in vs
	contains(v.msg, "follows 'main'")
}

test_silent_with_rev_lock if {
	d := mk_dep({"url": "https://github.com/acme/data", "rev": "main", "rev_lock": "96a28c1b42dd8978f2a839fc485f50ef70df5327", "loc": repo_loc})
	count(deny) == 0 with input as {"dvc": {"dependencies": [d]}}
}

test_silent_for_non_import if {
	count(deny) == 0 with input as {"dvc": {"dependencies": [mk_dep(null)]}}
}
