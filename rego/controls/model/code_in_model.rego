# METADATA
# title: Keras Lambda layer or TensorFlow file-I/O op in a model
# description: >-
#   A Keras Lambda layer stores marshalled Python bytecode that runs when the model is loaded
#   (unless Keras' safe_mode refuses it); TensorFlow graph ops such as ReadFile, WriteFile,
#   MatchingFiles and PyFunc read or write files or call back into Python when the graph runs.
#   Files of live MLflow registry versions are analysed too when downloaded
#   (--mlflow-download-artifacts), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-003
#   severity: high
#   stride: [elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0018.002]
#   owasp_ml: [ML10]
#   cwe: [94]
#   references: ["https://keras.io/api/layers/core_layers/lambda/", "https://www.tensorflow.org/api_docs/python/tf/io/read_file"]
#   remediation: >-
#     Replace Lambda layers with registered custom layers whose code lives in your package, keep
#     safe_mode=True when loading, and rebuild graphs without file-I/O or py_function ops.
package mlscan.controls.model.code_in_model

import data.mlscan.lib.model_artifacts
import rego.v1

deny contains v if {
	some mf in model_artifacts.files
	f := mf.file
	count(f.lambda_layers) > 0
	v := model_artifacts.violation(
		mf,
		sprintf("%s contains Keras Lambda layer(s) %s whose Python bytecode runs at load time", [mf.name, concat(", ", f.lambda_layers)]),
		"lambda",
		{"lambda_layers": f.lambda_layers, "format": f.format},
	)
}

deny contains v if {
	some mf in model_artifacts.files
	f := mf.file
	count(f.tf_file_ops) > 0
	v := model_artifacts.violation(
		mf,
		sprintf("%s uses TensorFlow op(s) %s that read or write files or run Python", [mf.name, concat(", ", f.tf_file_ops)]),
		"tf-ops",
		{"tf_file_ops": f.tf_file_ops, "format": f.format},
	)
}
