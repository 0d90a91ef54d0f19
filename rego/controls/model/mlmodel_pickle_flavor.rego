# METADATA
# title: MLflow model flavor loads via pickle or cloudpickle
# description: >-
#   The MLmodel file declares a flavor whose model is restored with pickle or cloudpickle
#   (serialization_format pickle/cloudpickle, python_model, pickled_model, pickle_module_name).
#   Serving the model unpickles it, so a replaced artifact runs code in the serving process.
#   Reported at low when nothing in the project loads, serves or ships the model directory
#   (e.g. a committed run artifact under mlartifacts/ or mlruns/).
#   Also applied to the MLmodel of every model version in a live MLflow registry
#   (--mlflow-uri), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-004
#   severity: medium
#   stride: [tampering, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0011.000]
#   owasp_ml: [ML06]
#   cwe: [502]
#   references: ["https://mlflow.org/docs/latest/models.html#storage-format"]
#   remediation: >-
#     Log the model with a data-only serialization (e.g. ONNX, XGBoost/LightGBM native formats,
#     skops for scikit-learn), or sign the model directory and verify it before serving.
package mlscan.controls.model.mlmodel_pickle_flavor

import data.mlscan.lib.mlmodels
import rego.v1

deny contains v if {
	some mm in mlmodels.all_mlmodels
	some fl in mm.mlmodel.flavors
	fl.deserialization != null
	base := mlmodels.violation(
		mm,
		sprintf("%s: flavor '%s' loads the model with %s%s", [mm.file, fl.name, fl.deserialization, mlmodels.unused_note(mm)]),
		fl.deserialization_loc,
		{"key": fl.name, "evidence": {"flavor": fl.name, "deserialization": fl.deserialization, "used_by": mlmodels.uses(mm)}},
	)
	v := object.union(base, mlmodels.unused_severity(mm))
}
