# METADATA
# title: Model artifact imports dangerous globals
# description: >-
#   Static analysis of the model's pickle opcodes found imports of callables that execute
#   commands, evaluate code, import modules, or reach the file system or network (os.system,
#   subprocess, builtins.exec/eval, socket, runpy, ...). Loading the file runs them. The file
#   was never loaded by mlscan.
#   Which imports are dangerous is decided by rego/lib/model_files.rego (a policy folder can
#   extend it). A Keras config that names a Python module outside keras/tensorflow is
#   reported here too: Keras imports that module when the model is loaded (CVE-2025-1550).
#   Files of live MLflow registry versions are analysed too when downloaded
#   (--mlflow-download-artifacts), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-002
#   severity: critical
#   stride: [elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0018.002, AML.T0011.000]
#   owasp_ml: [ML10]
#   cwe: [502]
#   references: ["https://github.com/mmaitre314/picklescan", "https://docs.python.org/3/library/pickle.html#restricting-globals"]
#   remediation: >-
#     Do not load the file. Find out where it came from, replace it with a copy from a trusted,
#     signed source, and store models as safetensors or another data-only format.
package mlscan.controls.model.dangerous_imports

import data.mlscan.lib.model_files as mf
import rego.v1

deny contains v if {
	some f in input.artifacts.files
	names := mf.dangerous_names(f)
	count(names) > 0
	v := {
		"msg": sprintf("%s imports %s; loading this %s model runs that code (found by: %s)", [f.path, concat(", ", names), f.format, concat(", ", _engines(f, names))]),
		"loc": f.loc,
		"asset": f.path,
		"evidence": {"imports": names, "format": f.format, "sha256": f.sha256, "engines": _engines(f, names)},
	}
}

deny contains v if {
	some f in input.artifacts.files
	names := mf.keras_foreign_names(f)
	count(names) > 0
	v := {
		"msg": sprintf("%s: its Keras config names %s, outside keras/tensorflow; loading the model imports and runs it", [f.path, concat(", ", names)]),
		"loc": f.loc,
		"asset": f.path,
		"key": "keras-config",
		"evidence": {"keras_objects": names, "format": f.format, "sha256": f.sha256},
	}
}

# files of a registry model version downloaded with --mlflow-download-artifacts
deny contains v if {
	some mv in input.mlflow_registry.versions
	some f in mv.model_files
	names := mf.dangerous_names(f)
	count(names) > 0
	v := {
		"msg": sprintf("%s imports %s; loading this %s model runs that code", [f.logical_path, concat(", ", names), f.format]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"key": f.path,
		"evidence": {"file": f.path, "imports": names, "format": f.format, "sha256": f.sha256},
	}
}

deny contains v if {
	some mv in input.mlflow_registry.versions
	some f in mv.model_files
	names := mf.keras_foreign_names(f)
	count(names) > 0
	v := {
		"msg": sprintf("%s: its Keras config names %s, outside keras/tensorflow; loading the model imports and runs it", [f.logical_path, concat(", ", names)]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"key": sprintf("keras-config:%s", [f.path]),
		"evidence": {"file": f.path, "keras_objects": names, "format": f.format},
	}
}

# the engines that saw the dangerous imports (opcodes, picklescan, byte-scan)
_engines(f, names) := sort({s |
	some g in f.globals
	mf.dotted(g) in names
	some s in g.sources
})
