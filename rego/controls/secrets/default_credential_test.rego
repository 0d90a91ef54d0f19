package mlscan.controls.secrets.default_credential

import rego.v1

mk(kind, path) := {"key": "MINIO_ROOT_PASSWORD", "value_kind": kind, "detectors": ["Secret Keyword"], "loc": {"path": path, "line": 4}}

test_fires_on_default if {
	some v in deny with input as {"secrets": {"secrets": [mk("default", ".env")], "links": []}}
	v.msg == ".env L4 sets `MINIO_ROOT_PASSWORD` to a well-known default value"
}

test_silent_on_literal_placeholder_and_tests if {
	count(deny) == 0 with input as {"secrets": {"secrets": [mk("literal", ".env"), mk("placeholder", ".env"), mk("default", "tests/.env")], "links": []}}
}
