# METADATA
# title: Model artifact imports dangerous globals
# description: >-
#   Static analysis of the model's pickle opcodes found imports of callables that execute
#   commands, evaluate code, import modules, or reach the file system or network (os.system,
#   subprocess, builtins.exec/eval, socket, runpy, ...). Loading the file runs them. The file
#   was never loaded by mlscan.
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

import rego.v1

deny contains v if {
	some f in input.artifacts.files
	count(f.dangerous_globals) > 0
	v := {
		"msg": sprintf("%s imports %s; loading this %s model runs that code", [f.path, concat(", ", f.dangerous_globals), f.format]),
		"loc": f.loc,
		"asset": f.path,
		"evidence": {"imports": f.dangerous_globals, "format": f.format, "sha256": f.sha256},
	}
}

# files of a registry model version downloaded with --mlflow-download-artifacts
deny contains v if {
	some mv in input.mlflow_registry.versions
	some f in mv.model_files
	count(f.dangerous_globals) > 0
	v := {
		"msg": sprintf("%s imports %s; loading this %s model runs that code", [f.logical_path, concat(", ", f.dangerous_globals), f.format]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"key": f.path,
		"evidence": {"file": f.path, "imports": f.dangerous_globals, "format": f.format, "sha256": f.sha256},
	}
}
