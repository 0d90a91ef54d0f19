# METADATA
# title: MLflow or model-server port open to the internet
# description: >-
#   A security group rule or firewall opens the port of an ML service (MLflow's 5000,
#   TensorFlow Serving, TorchServe management, Triton, Ray, Jupyter, or a web port on a
#   group named for a model server) to 0.0.0.0/0. Anyone can then reach the registry or the
#   model API directly, around any gateway, authentication or rate limit in front of it.
# custom:
#   id: MLS-IAC-005
#   severity: high
#   stride: [spoofing, information-disclosure, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0049]
#   owasp_ml: [ML05]
#   cwe: [668]
#   references: ["https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html", "https://mlflow.org/docs/latest/self-hosting/security/network/", "CKV_AWS_260", "CKV_AWS_24"]
#   remediation: >-
#     Allow the port only from the load balancer's security group or a private CIDR, and put
#     an authenticating TLS load balancer or API gateway in front of the service.
package mlscan.controls.iac.ml_port_exposed

import data.mlscan.lib.ml_network
import rego.v1

deny contains v if {
	some e in object.get(object.get(input, "iac", {}), "network_exposures", [])
	e.kind in {"ingress", "firewall"}
	e.direction == "ingress"
	ml_network.open_to_world(e)
	open := ml_network.open_ports(e)
	count(open) > 0
	v := {
		"msg": sprintf("%s opens %s to the internet (%s)", [
			e.address,
			concat(", ", [sprintf("port %s (%s)", [p, name]) | some p, name in open]),
			concat(", ", [c | some c in e.cidrs; c in ml_network.world_cidrs]),
		]),
		"loc": e.loc,
		"asset": e.address,
		"key": concat(",", sort(object.keys(open))),
		"evidence": {"ports": sort(object.keys(open)), "cidrs": e.cidrs},
	}
}
