package mlscan.controls.dvc.remote_plaintext

import rego.v1

mk_loc(line) := {"path": ".dvc/config", "line": line, "col": 5, "end_line": line, "end_col": 8}

mk_remote(overrides) := object.union(
	{
		"name": "storage", "url": "https://dvc.example.com/store", "url_scheme": "https",
		"host": "dvc.example.com", "host_is_loopback": false, "use_https": null,
		"endpoint_url": null, "endpoint_url_scheme": null, "options": [],
		"url_loc": mk_loc(2), "loc": mk_loc(1),
	},
	overrides,
)

mk_opt(key, value, line) := {"key": key, "value": value, "config": ".dvc/config", "effective": true, "loc": mk_loc(line)}

keys(vs) := {v.key | some v in vs}

test_silent_for_https if {
	count(deny) == 0 with input as {"dvc": {"remotes": [mk_remote({})]}}
}

test_fires_for_http if {
	r := mk_remote({"url": "http://dvc.example.com/store", "url_scheme": "http"})
	vs := deny with input as {"dvc": {"remotes": [r]}}
	keys(vs) == {"url"}
	some v in vs
	v.loc.line == 2
	not contains(v.msg, "loopback")
}

test_silent_for_http_loopback if {
	r := mk_remote({"url": "http://localhost:8080/", "url_scheme": "http", "host": "localhost", "host_is_loopback": true})
	count(deny) == 0 with input as {"dvc": {"remotes": [r]}}
}

test_fires_for_webdav_not_webdavs if {
	vs := deny with input as {"dvc": {"remotes": [mk_remote({"url_scheme": "webdav"})]}}
	keys(vs) == {"url"}
	count(deny) == 0 with input as {"dvc": {"remotes": [mk_remote({"url_scheme": "webdavs"})]}}
}

test_fires_for_ssl_verify_false if {
	r := mk_remote({"options": [mk_opt("ssl_verify", false, 3)]})
	vs := deny with input as {"dvc": {"remotes": [r]}}
	keys(vs) == {"ssl_verify"}
	some v in vs
	v.loc.line == 3
}

test_silent_for_ssl_verify_ca_bundle if {
	r := mk_remote({"options": [mk_opt("ssl_verify", "certs/ca.pem", 3), mk_opt("use_ssl", true, 4)]})
	count(deny) == 0 with input as {"dvc": {"remotes": [r]}}
}

test_silent_for_overridden_option if {
	o := object.union(mk_opt("ssl_verify", false, 3), {"effective": false})
	count(deny) == 0 with input as {"dvc": {"remotes": [mk_remote({"options": [o]})]}}
}

test_fires_for_use_ssl_false_and_http_endpoint if {
	r := mk_remote({
		"url_scheme": "s3", "endpoint_url": "http://minio:9000", "endpoint_url_scheme": "http",
		"options": [mk_opt("use_ssl", false, 3), mk_opt("endpointurl", "http://minio:9000", 4)],
	})
	vs := deny with input as {"dvc": {"remotes": [r]}}
	keys(vs) == {"use_ssl", "endpointurl"}
}

test_fires_for_webhdfs_without_https if {
	vs := deny with input as {"dvc": {"remotes": [mk_remote({"url_scheme": "webhdfs"})]}}
	keys(vs) == {"url"}
	count(deny) == 0 with input as {"dvc": {"remotes": [mk_remote({"url_scheme": "webhdfs", "use_https": true})]}}
}
