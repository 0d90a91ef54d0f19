package mlscan.lib.ml_network

# Network facts (input.iac.network_exposures) about ML services: which ports and names
# belong to MLflow and model servers. A user policy folder overrides the port table by
# defining `ports` in `package mlscan.user.ml_network`.

import rego.v1

# Ports that, open to the internet, are an ML service in practice.
default_ports := {
	"5000": "MLflow tracking server",
	"8500": "TensorFlow Serving gRPC",
	"8501": "TensorFlow Serving REST",
	"8081": "TorchServe management API",
	"8082": "TorchServe metrics",
	"8001": "Triton gRPC",
	"8002": "Triton metrics",
	"8265": "Ray dashboard",
	"6006": "TensorBoard",
	"8888": "Jupyter",
	"7860": "Gradio",
}

# Generic application ports that count only when the rule or its group is named for ML
# (80 and 443 do not: a TLS proxy or an HTTPS redirect in front of MLflow uses them).
generic_ports := {
	"8080": "model server (TorchServe/KServe/Seldon) or web app",
	"8000": "model server (Triton/vLLM/BentoML) or web app",
	"3000": "BentoML or web app",
}

ports := data.mlscan.user.ml_network.ports if {
	data.mlscan.user.ml_network.ports
} else := default_ports

ml_name := `(?i)(mlflow|model|inference|predict|serving|triton|torchserve|kserve|seldon|bentoml|sagemaker|jupyter|tensorboard|ray)`

named_for_ml(e) if {
	some n in e.names
	regex.match(ml_name, n)
}

world_cidrs := {"0.0.0.0/0", "::/0"}

open_to_world(e) if {
	some c in e.cidrs
	c in world_cidrs
}

# The ML ports (as strings) a rule opens, with their service name.
open_ports(e) := {p: ports[p] | some p, _ in ports; _covers(e, to_number(p))} if {
	not named_for_ml(e)
} else := {p: name | some p, name in object.union(generic_ports, ports); _covers(e, to_number(p))}

_covers(e, p) if {
	is_number(e.from_port)
	is_number(e.to_port)
	e.from_port <= p
	p <= e.to_port
	not _all_ports(e)
}

_covers(e, _) if _all_ports(e)

_covers(e, p) if {
	some spec in e.ports
	_spec_covers(spec, p)
}

_all_ports(e) if {
	e.protocol in {"-1", "all"}
}

_all_ports(e) if "all" in e.ports

_spec_covers(spec, p) if {
	regex.match(`^[0-9]+$`, spec)
	to_number(spec) == p
}

_spec_covers(spec, p) if {
	regex.match(`^[0-9]+-[0-9]+$`, spec)
	bounds := split(spec, "-")
	to_number(bounds[0]) <= p
	p <= to_number(bounds[1])
}
