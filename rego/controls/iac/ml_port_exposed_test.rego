package mlscan.controls.iac.ml_port_exposed

import rego.v1

_rule(port, cidrs) := {"kind": "ingress", "direction": "ingress", "address": "aws_security_group.mlflow",
	"protocol": "tcp", "from_port": port, "to_port": port, "ports": [], "cidrs": cidrs,
	"names": ["aws_security_group.mlflow"], "loc": {"path": "net.tf", "line": 4}}

test_fires_on_mlflow_port_open_to_the_world if {
	vs := deny with input as {"iac": {"network_exposures": [_rule(5000, ["0.0.0.0/0"])]}}
	count(vs) == 1
	some v in vs
	v.loc.line == 4
	contains(v.msg, "port 5000 (MLflow tracking server)")
}

test_fires_on_generic_port_of_a_group_named_for_ml if {
	count(deny) == 1 with input as {"iac": {"network_exposures": [_rule(8080, ["::/0"])]}}
}

test_silent_on_private_cidr if {
	count(deny) == 0 with input as {"iac": {"network_exposures": [_rule(5000, ["10.0.0.0/16"])]}}
}

test_silent_on_https_only if {
	r := object.union(_rule(443, ["0.0.0.0/0"]), {"names": ["aws_security_group.web"]})
	count(deny) == 0 with input as {"iac": {"network_exposures": [r]}}
}
