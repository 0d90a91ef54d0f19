package mlscan.controls.secrets.ignored_but_tracked

import rego.v1

mk(tracked, ignored) := {"key": "MINIO_ROOT_PASSWORD", "value_kind": "literal", "tracked": tracked, "ignored_by_gitignore": ignored, "loc": {"path": "deploy/.env", "line": 5}}

test_fires_on_tracked_ignored_env if {
	some v in deny with input as {"secrets": {"secrets": [mk(true, true)]}}
	v.msg == "deploy/.env is tracked by git although .gitignore ignores it, and holds MINIO_ROOT_PASSWORD"
	v.loc.line == null
}

test_silent_when_not_ignored_or_not_tracked if {
	count(deny) == 0 with input as {"secrets": {"secrets": [mk(true, false), mk(false, null)]}}
}
