package mlscan.controls.dvc.external_dependency_unpinned

import rego.v1

mk_dep(overrides) := object.union(
	{
		"path": "https://example.com/data.csv", "scheme": "https", "external": true,
		"repo": null, "no_exec": false, "has_checksum": true, "stage": null,
		"source": "data.csv.dvc", "import_url": true,
		"loc": {"path": "data.csv.dvc", "line": 4, "col": 3, "end_line": 4, "end_col": 40},
	},
	overrides,
)

problems(vs) := {kind | some v in vs; some kind in v.evidence.problems}

test_silent_for_https_with_checksum if {
	count(deny) == 0 with input as {"dvc": {"dependencies": [mk_dep({})]}}
}

test_fires_without_checksum if {
	vs := deny with input as {"dvc": {"dependencies": [mk_dep({"has_checksum": false})]}}
	problems(vs) == {"no-checksum"}
	some v in vs
	v.loc.line == 4
}

test_fires_for_no_exec_once if {
	vs := deny with input as {"dvc": {"dependencies": [mk_dep({"has_checksum": false, "no_exec": true})]}}
	problems(vs) == {"no-exec"}
}

test_fires_for_http_even_with_checksum if {
	d := mk_dep({"path": "http://example.com/data.csv", "scheme": "http"})
	vs := deny with input as {"dvc": {"dependencies": [d]}}
	problems(vs) == {"plaintext"}
	some v in vs
	contains(v.msg, "plaintext HTTP")
	not contains(v.msg, "loopback")
}

test_http_loopback_is_no_plaintext_problem if {
	d := mk_dep({"path": "http://127.0.0.1:8080/data.csv", "scheme": "http"})
	vs := deny with input as {"dvc": {"dependencies": [d]}}
	not "plaintext" in problems(vs)
}

test_silent_for_local_in_repo_dep if {
	d := mk_dep({"path": "data/raw.csv", "scheme": "local", "external": false, "has_checksum": false})
	count(deny) == 0 with input as {"dvc": {"dependencies": [d]}}
}

test_silent_for_repo_import if {
	d := mk_dep({"repo": {"url": "https://github.com/acme/data", "rev_lock": null}, "has_checksum": false})
	count(deny) == 0 with input as {"dvc": {"dependencies": [d]}}
}

test_fires_for_remote_over_http if {
	d := mk_dep({"path": "remote://Mirror/raw/data.csv", "scheme": "remote"})
	vs := deny with input as {"dvc": {"dependencies": [d], "remotes": [{"name": "mirror", "url_scheme": "http"}]}}
	problems(vs) == {"plaintext"}
}

test_one_finding_for_http_without_checksum if {
	d := mk_dep({"path": "http://example.com/data.csv", "scheme": "http", "has_checksum": false})
	vs := deny with input as {"dvc": {"dependencies": [d]}}
	count(vs) == 1
	some v in vs
	v.msg == "external dependency 'http://example.com/data.csv' in data.csv.dvc has no pinned checksum (md5/etag) and is fetched over plaintext HTTP"
}
