package mlscan.controls.mlflow.security_middleware

import rego.v1

base := {
	"kind": "server", "path": "d.yml", "service": "m", "loc": {"path": "d.yml", "line": 4},
	"disable_security_middleware": false, "disable_security_middleware_loc": null,
	"allowed_hosts": null, "allowed_hosts_loc": null,
	"cors_allowed_origins": null, "cors_allowed_origins_loc": null,
}

test_fires_on_wildcard_hosts if {
	s := object.union(base, {"allowed_hosts": "*", "allowed_hosts_loc": {"path": "d.yml", "line": 9}})
	vs := deny with input as {"mlflow": {"servers": [s]}}
	some v in vs
	v.loc.line == 9
}

test_fires_on_wildcard_cors_and_disabled_middleware if {
	s := object.union(base, {"cors_allowed_origins": "https://a, *", "disable_security_middleware": true})
	count(deny) == 2 with input as {"mlflow": {"servers": [s]}}
}

test_silent_on_explicit_hosts if {
	s := object.union(base, {"allowed_hosts": "mlflow.internal.example.com", "cors_allowed_origins": "https://ui.example.com"})
	count(deny) == 0 with input as {"mlflow": {"servers": [s]}}
}
