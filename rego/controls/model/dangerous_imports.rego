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

import data.mlscan.lib.model_files
import rego.v1

deny contains v if {
	some mf in model_files.files
	f := mf.file
	count(f.dangerous_globals) > 0
	v := model_files.violation(
		mf,
		sprintf("%s imports %s; loading this %s model runs that code", [mf.name, concat(", ", f.dangerous_globals), f.format]),
		"",
		{"imports": f.dangerous_globals, "format": f.format, "sha256": f.sha256},
	)
}
