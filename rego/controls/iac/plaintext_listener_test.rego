package mlscan.controls.iac.plaintext_listener

import rego.v1

_listener(protocol, action) := {"kind": "listener", "address": "aws_lb_listener.http", "protocol": protocol,
	"from_port": 80, "to_port": 80, "action": action, "target_group": "aws_lb_target_group.mlflow",
	"names": [], "cidrs": [], "ports": [], "loc": {"path": "lb.tf", "line": 12}}

_group := {"kind": "target-group", "address": "aws_lb_target_group.mlflow", "protocol": "HTTP",
	"from_port": 5000, "to_port": 5000, "ports": [], "cidrs": [], "names": ["aws_lb_target_group.mlflow"],
	"loc": {"path": "lb.tf", "line": 1}}

test_fires_on_http_forward_to_mlflow if {
	vs := deny with input as {"iac": {"network_exposures": [_listener("HTTP", "forward"), _group]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 12
	contains(v.msg, "MLflow tracking server")
}

test_silent_on_redirect if {
	count(deny) == 0 with input as {"iac": {"network_exposures": [_listener("HTTP", "redirect"), _group]}}
}

test_silent_on_https if {
	count(deny) == 0 with input as {"iac": {"network_exposures": [_listener("HTTPS", "forward"), _group]}}
}
