package mlscan.lib.ml_network

import rego.v1

_rule(from, to, names) := {"from_port": from, "to_port": to, "ports": [], "protocol": "tcp",
	"cidrs": ["0.0.0.0/0"], "names": names}

test_distinctive_port_without_ml_name if {
	open_ports(_rule(5000, 5000, ["aws_security_group.web"])) == {"5000": "MLflow tracking server"}
}

test_generic_port_needs_an_ml_name if {
	open_ports(_rule(8080, 8080, ["aws_security_group.web"])) == {}
	count(open_ports(_rule(8080, 8080, ["inference api"]))) == 1
}

test_firewall_port_ranges if {
	e := {"from_port": null, "to_port": null, "ports": ["8000-8600"], "protocol": null,
		"cidrs": ["0.0.0.0/0"], "names": ["google_compute_firewall.fw"]}
	object.keys(open_ports(e)) == {"8500", "8501", "8081", "8082", "8001", "8002", "8265"}
}

test_world if {
	open_to_world({"cidrs": ["::/0"]})
	not open_to_world({"cidrs": ["10.0.0.0/8"]})
}
