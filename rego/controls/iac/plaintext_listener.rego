# METADATA
# title: Load balancer serves MLflow or a model server over plain HTTP
# description: >-
#   A load balancer listener in front of MLflow or a model server accepts plain HTTP and
#   forwards it (no redirect to HTTPS). Credentials, models uploaded to the registry and
#   inference payloads cross the network in clear text and can be read or changed on the way.
# custom:
#   id: MLS-IAC-006
#   severity: medium
#   stride: [tampering, information-disclosure]
#   linddun: [data-disclosure]
#   atlas: []
#   owasp_ml: [ML05]
#   cwe: [319]
#   references: ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html", "CKV_AWS_2", "CKV_AWS_103"]
#   remediation: >-
#     Listen on HTTPS (protocol = "HTTPS" with a certificate and a current ssl_policy) and make
#     the HTTP listener a redirect to HTTPS.
package mlscan.controls.iac.plaintext_listener

import data.mlscan.lib.ml_network
import rego.v1

_exposures := object.get(object.get(input, "iac", {}), "network_exposures", [])

_groups := {e.address: e | some e in _exposures; e.kind == "target-group"}

# What makes the target an ML service: its port, or its name.
_ml_target(l) := sprintf("target group %s (%s)", [g.address, concat(", ", [n | some _, n in ml_network.open_ports(g)])]) if {
	g := _groups[l.target_group]
	count(ml_network.open_ports(object.union(g, {"names": []}))) > 0
} else := sprintf("target group %s, named for an ML service", [g.address]) if {
	g := _groups[l.target_group]
	ml_network.named_for_ml(g)
}

deny contains v if {
	some l in _exposures
	l.kind == "listener"
	upper(l.protocol) == "HTTP"
	l.action != "redirect"
	why := _ml_target(l)
	v := {
		"msg": sprintf("%s listens on plain HTTP (port %v) and forwards to %s", [l.address, l.from_port, why]),
		"loc": l.loc,
		"asset": l.address,
		"related": [_groups[l.target_group].loc],
		"evidence": {"protocol": l.protocol, "port": l.from_port, "target_group": l.target_group},
	}
}
