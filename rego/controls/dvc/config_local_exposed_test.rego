package mlscan.controls.dvc.config_local_exposed

import rego.v1

mk_cfg(level, tracked, covered) := {
	"path": ".dvc/config.local", "level": level, "tracked_by_git": tracked,
	"gitignore_covers_local": covered,
	"loc": {"path": ".dvc/config.local", "line": 1, "col": 1, "end_line": 1, "end_col": 10},
}

test_fires_when_tracked_even_if_pattern_covers if {
	vs := deny with input as {"dvc": {"configs": [mk_cfg("local", true, true)]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "tracked by git")
	v.loc.line == 1
}

test_fires_when_not_ignored if {
	vs := deny with input as {"dvc": {"configs": [mk_cfg("local", false, false)]}}
	count(vs) == 1
	some v in vs
	contains(v.msg, "not git-ignored")
}

test_fires_outside_git_when_not_ignored if {
	vs := deny with input as {"dvc": {"configs": [mk_cfg("local", null, false)]}}
	count(vs) == 1
}

test_silent_when_ignored_and_untracked if {
	count(deny) == 0 with input as {"dvc": {"configs": [mk_cfg("local", false, true)]}}
}

test_silent_for_repo_config if {
	count(deny) == 0 with input as {"dvc": {"configs": [mk_cfg("repo", true, null)]}}
}

mk_project(exists, ignored, gitignore) := {
	"root": "", "dvc_gitignore": gitignore, "config_local_exists": exists,
	"config_local_ignored": ignored,
	"dvc_gitignore_loc": {"path": ".dvc/.gitignore", "line": 1, "col": 1, "end_line": 1, "end_col": 5},
}

test_fires_when_dvc_gitignore_lacks_entry if {
	vs := deny with input as {"dvc": {"configs": [], "projects": [mk_project(false, false, ".dvc/.gitignore")]}}
	count(vs) == 1
	some v in vs
	v.loc.path == ".dvc/.gitignore"
	v.asset == ".dvc/config.local"
}

test_silent_when_entry_present_or_file_exists_or_no_gitignore if {
	count(deny) == 0 with input as {"dvc": {"projects": [mk_project(false, true, ".dvc/.gitignore")]}}
	count(deny) == 0 with input as {"dvc": {"projects": [mk_project(true, false, ".dvc/.gitignore")]}}
	count(deny) == 0 with input as {"dvc": {"projects": [mk_project(false, false, null)]}}
}

test_asset_in_subproject if {
	p := object.union(mk_project(false, false, "ml/.dvc/.gitignore"), {"root": "ml"})
	vs := deny with input as {"dvc": {"projects": [p]}}
	some v in vs
	v.asset == "ml/.dvc/config.local"
}
