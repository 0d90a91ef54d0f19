# METADATA
# title: DVC remote over a plaintext transport, or with TLS verification off
# description: >-
#   Data and models pushed to or pulled from this remote travel unencrypted (http://,
#   webdav://, webhdfs without use_https, an S3 endpoint over http, use_ssl = false) or
#   over TLS whose certificate is not checked (ssl_verify = false). Anyone on the path can
#   read the artifacts and swap them in transit. A loopback URL (localhost, 127.x.x.x, ::1)
#   never leaves the machine and is no transport risk, as for every other mlscan control.
# custom:
#   id: MLS-DVC-006
#   severity: high
#   stride: [tampering, information-disclosure]
#   linddun: []
#   atlas: []
#   owasp_ml: []
#   cwe: [319, 295]
#   references: ["https://dvc.org/doc/user-guide/data-management/remote-storage", "https://dvc.org/doc/command-reference/remote/modify"]
#   remediation: >-
#     Use https:// or webdavs:// (or s3/gs/azure/ssh), set use_https = true for webhdfs,
#     remove ssl_verify = false / use_ssl = false, and point ssl_verify at a CA bundle when
#     the server uses a private CA.
package mlscan.controls.dvc.remote_plaintext

import data.mlscan.lib.util
import rego.v1

plaintext_schemes := {"http", "webdav"}

deny contains v if {
	some remote in input.dvc.remotes
	remote.url_scheme in plaintext_schemes
	not remote.host_is_loopback == true
	v := {
		"msg": sprintf("DVC remote '%s' uses plaintext %s (%s)", [remote.name, upper(remote.url_scheme), remote.url]),
		"loc": remote.url_loc,
		"asset": remote.name,
		"key": "url",
		"evidence": {"url_scheme": remote.url_scheme, "host": remote.host},
	}
}

deny contains v if {
	some remote in input.dvc.remotes
	remote.url_scheme == "webhdfs"
	remote.use_https != true
	not remote.host_is_loopback == true
	v := {
		"msg": sprintf("DVC remote '%s' is WebHDFS without 'use_https = true': data travels over plaintext HTTP", [remote.name]),
		"loc": remote.url_loc,
		"asset": remote.name,
		"key": "url",
		"evidence": {"url_scheme": remote.url_scheme, "use_https": remote.use_https},
	}
}

deny contains v if {
	some remote in input.dvc.remotes
	remote.endpoint_url_scheme == "http"
	some opt in remote.options
	opt.key in {"endpointurl", "oss_endpoint"}
	opt.effective == true
	not util.loopback_url(remote.endpoint_url)
	v := {
		"msg": sprintf("DVC remote '%s' talks to its storage endpoint over plaintext HTTP (%s = %s)", [remote.name, opt.key, remote.endpoint_url]),
		"loc": opt.loc,
		"asset": remote.name,
		"key": opt.key,
		"evidence": {"endpoint_url": remote.endpoint_url},
	}
}

deny contains v if {
	some remote in input.dvc.remotes
	some opt in remote.options
	opt.effective == true
	opt.key in {"ssl_verify", "use_ssl"}
	opt.value == false
	v := {
		"msg": sprintf("DVC remote '%s' sets %s = false in %s: %s", [remote.name, opt.key, opt.config, consequence[opt.key]]),
		"loc": opt.loc,
		"asset": remote.name,
		"key": opt.key,
		"evidence": {"option": opt.key, "value": false},
	}
}

consequence := {
	"ssl_verify": "the server certificate is not checked, so anyone in the path can impersonate the remote",
	"use_ssl": "data and credentials travel without TLS",
}
