package mlscan.controls.secrets.default_credential

import rego.v1

mk(kind, path) := {"key": "MINIO_ROOT_PASSWORD", "value_kind": kind, "detectors": ["Secret Keyword"], "loc": {"path": path, "line": 4}}

test_fires_on_default if {
	some v in deny with input as {"secrets": {"secrets": [mk("default", ".env")], "links": []}}
	v.msg == ".env L4 sets `MINIO_ROOT_PASSWORD` to a well-known default value"
	v.severity == "low"
}

test_silent_on_literal_placeholder_and_tests if {
	count(deny) == 0 with input as {"secrets": {"secrets": [mk("literal", ".env"), mk("placeholder", ".env"), mk("default", "tests/.env")], "links": []}}
}

test_fires_naming_minio if {
	ctx := {"kind": "compose", "file": "c.yml", "service": "minio", "image": "quay.io/minio/minio", "env": "MINIO_ROOT_PASSWORD", "option": null, "uri_part": null}
	s := object.union(mk("default", "c.yml"), {"context": ctx})
	some v in deny with input as {"secrets": {"secrets": [s], "links": []}}
	v.msg == "c.yml L4 sets `MINIO_ROOT_PASSWORD` to a well-known default value: the MinIO root credentials of the artifact store (service 'minio')"
}

test_fires_on_placeholder_a_service_receives if {
	l := {"via": "compose-interpolation", "secret": {"key": "MINIO_ROOT_PASSWORD", "loc": {"path": ".env", "line": 4}}, "target": {"kind": "compose", "service": "s3", "image": "minio/minio", "env": "MINIO_ROOT_PASSWORD", "option": null, "uri_part": null, "target": "MINIO_ROOT_PASSWORD"}, "target_loc": {"path": "docker-compose.yml", "line": 11}}
	some v in deny with input as {"secrets": {"secrets": [mk("placeholder", ".env")], "links": [l]}}
	v.msg == ".env L4 sets `MINIO_ROOT_PASSWORD` to a placeholder value that a service receives: the MinIO root credentials of the artifact store (service 's3')"
	v.severity == "medium"
}

test_silent_on_unused_placeholder if {
	count(deny) == 0 with input as {"secrets": {"secrets": [mk("placeholder", ".env.example")], "links": []}}
}
