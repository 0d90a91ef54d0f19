# METADATA
# title: Serving code deserializes models unsafely
# description: >-
#   Python code outside the tests calls a deserializer that can run code from the data it
#   reads: pickle/cPickle/dill/cloudpickle load(s), joblib.load, pandas.read_pickle,
#   torch.load without weights_only=True, yaml.load without a safe Loader, numpy.load with
#   allow_pickle=True. Whoever controls the model file or payload controls the process.
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

unsafe(c) := "allow_pickle=True" if {
	c.api == "numpy.load"
	c.arguments.allow_pickle == true
}

deny contains v if {
	some c in input.serving_code.calls
	reason := unsafe(c)
	v := {
		"msg": sprintf("%s calls %s (%s): %s", [c.loc.path, c.api, c.written, reason]),
		"loc": c.loc,
		"asset": c.loc.path,
		"key": sprintf("%s|%s|%d", [c.api, c.scope, c.occurrence]),
		"evidence": {"api": c.api, "arguments": c.arguments},
	}
}
