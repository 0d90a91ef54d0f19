# METADATA
# title: Model artifact in a pickle-based format
# description: >-
#   The model file is a pickle stream (raw pickle, joblib, PyTorch checkpoint, numpy object
#   array). Loading it with pickle, joblib.load or torch.load runs whatever callables the
#   stream names, so anyone who can replace the file can run code wherever it is loaded.
#   Reported at low when nothing in the project uses the file (no loader call or path
#   literal resolves to it, no configuration or script names it, no Dockerfile COPY ships
#   it, no DVC stage writes or reads it). A scan of part of the project keeps medium.
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
	base := model_artifacts.violation(
		mf,
		_msg(mf),
		"",
		{"format": f.format, "sha256": f.sha256, "used_by": model_artifacts.uses(mf)},
	)
	v := object.union(base, model_artifacts.unused_severity(mf))
}

# Worth a medium finding where the project loads, ships or tracks the file; "low" for a
# committed pickle that nothing uses (an old run artifact, a template leftover).
_msg(mf) := sprintf("%s is a pickle-based model file (%s); loading it can run arbitrary code", [mf.name, mf.file.format]) if {
	not model_artifacts.unused(mf)
}

_msg(mf) := sprintf("%s is a pickle-based model file (%s); nothing in the project loads it, but loading it can run arbitrary code", [mf.name, mf.file.format]) if {
	model_artifacts.unused(mf)
}
