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

import rego.v1

deny contains v if {
	some f in input.artifacts.files
	f.pickle_based
	v := {
		"msg": sprintf("%s is a pickle-based model file (%s); loading it can run arbitrary code", [f.path, f.format]),
		"loc": f.loc,
		"asset": f.path,
		"evidence": {"format": f.format, "sha256": f.sha256},
	}
}

# files of a registry model version downloaded with --mlflow-download-artifacts
deny contains v if {
	some mv in input.mlflow_registry.versions
	some f in mv.model_files
	f.pickle_based
	v := {
		"msg": sprintf("%s is a pickle-based model file (%s); loading it can run arbitrary code", [f.logical_path, f.format]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"key": f.path,
		"evidence": {"file": f.path, "format": f.format, "sha256": f.sha256},
	}
}
