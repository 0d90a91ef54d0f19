# METADATA
# title: Model artifact in a pickle-based format
# description: >-
#   The model file is a pickle stream (raw pickle, joblib, PyTorch checkpoint, numpy object
#   array). Loading it with pickle, joblib.load or torch.load runs whatever callables the
#   stream names, so anyone who can replace the file can run code wherever it is loaded.
#   Files of live MLflow registry versions are analysed too when downloaded
#   (--mlflow-download-artifacts), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-001
#   severity: medium
#   stride: [tampering, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0011.000]
#   owasp_ml: [ML06]
#   cwe: [502]
#   references: ["https://huggingface.co/docs/hub/security-pickle", "https://github.com/huggingface/safetensors"]
#   remediation: >-
#     Save weights in a format that holds data only (safetensors, ONNX, native XGBoost/LightGBM
#     JSON), or load with torch.load(..., weights_only=True) and verify the file's signature first.
package mlscan.controls.model.pickle_format

import data.mlscan.lib.model_artifacts
import rego.v1

deny contains v if {
	some mf in model_artifacts.files
	f := mf.file
	f.pickle_based
	v := model_artifacts.violation(
		mf,
		sprintf("%s is a pickle-based model file (%s); loading it can run arbitrary code", [mf.name, f.format]),
		"",
		{"format": f.format, "sha256": f.sha256},
	)
}
