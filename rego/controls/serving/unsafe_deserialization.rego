# METADATA
# title: Serving code deserializes models unsafely
# description: >-
#   Python code outside the tests calls a deserializer that can run code from the data it
#   reads: pickle/cPickle/dill/cloudpickle load(s), joblib.load, pandas.read_pickle,
#   torch.load without weights_only=True, yaml.load without a safe Loader, numpy.load with
#   allow_pickle=True, or a pickle-based MLflow flavour loader (mlflow.sklearn / pytorch /
#   pyfunc load_model, often on a models:/ registry URI). Whoever controls the model file or
#   payload controls the process. High on a serving path (a model-server entry module or a
#   module it imports); low elsewhere (pipeline stages, scripts and helpers that load a
#   model the project wrote itself).
# custom:
#   id: MLS-SRV-005
#   severity: high
#   stride: [elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0011.000]
#   owasp_ml: [ML06]
#   cwe: [502]
#   references: ["https://pytorch.org/docs/stable/generated/torch.load.html", "https://pyyaml.org/wiki/PyYAMLDocumentation"]
#   remediation: >-
#     Load weights with torch.load(path, weights_only=True) or safetensors, parse YAML with
#     yaml.safe_load, keep numpy.load's allow_pickle=False, and verify a model's signature before
#     any pickle-based load.
package mlscan.controls.serving.unsafe_deserialization

import rego.v1

safe_yaml_loaders := {"yaml.SafeLoader", "yaml.CSafeLoader", "yaml.BaseLoader", "yaml.CBaseLoader"}

always_unsafe := {"pickle", "joblib"}

unsafe(c) := "it unpickles its input" if c.kind in always_unsafe

unsafe(c) := "weights_only=True is not set" if {
	c.api == "torch.load"
	c.arguments.weights_only != true
}

unsafe(c) := "it constructs arbitrary Python objects" if {
	c.api in {"yaml.unsafe_load", "yaml.unsafe_load_all"}
}

unsafe(c) := "no safe Loader is given" if {
	c.api in {"yaml.load", "yaml.load_all"}
	not c.arguments.loader in safe_yaml_loaders
}

unsafe(c) := "the flavour unpickles the model" if c.kind == "mlflow-pickle"

unsafe(c) := "allow_pickle=True" if {
	c.api == "numpy.load"
	c.arguments.allow_pickle == true
}

# Modules on a serving path (serving.code_paths[]: entry modules and what they import).
_code_paths := {p.path: p | some p in object.get(object.get(input, "serving", {}), "code_paths", [])}

_where(c) := sprintf("on a serving path (%s; entry %s)", [p.reason, p.entry]) if {
	p := _code_paths[c.loc.path]
	p.via != null
} else := sprintf("on a serving path (%s)", [p.reason]) if {
	p := _code_paths[c.loc.path]
} else := "not reached from any model-server entry point in the repository (pipeline, script or helper code)"

_severity(c) := "high" if _code_paths[c.loc.path]

_severity(c) := "low" if not _code_paths[c.loc.path]

_registry(c) := sprintf(" from %s", [c.arguments.model_uri]) if {
	c.kind == "mlflow-pickle"
	is_string(c.arguments.model_uri)
	regex.match(`^(models|runs):/`, c.arguments.model_uri)
} else := ""

# Loading an MLflow model is what every training and evaluation script does: the
# pickle-based flavour loaders are reported only where a model server runs them.
_reported(c) if c.kind != "mlflow-pickle"

_reported(c) if _code_paths[c.loc.path]

deny contains v if {
	some c in input.serving_code.calls
	reason := unsafe(c)
	_reported(c)
	v := {
		"msg": sprintf("%s calls %s (%s)%s: %s; %s", [c.loc.path, c.api, c.written, _registry(c), reason, _where(c)]),
		"severity": _severity(c),
		"loc": c.loc,
		"asset": c.loc.path,
		"key": sprintf("%s|%s|%d", [c.api, c.scope, c.occurrence]),
		"evidence": {"api": c.api, "arguments": c.arguments},
	}
}
