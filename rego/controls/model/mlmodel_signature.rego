# METADATA
# title: MLflow model without an input signature
# description: >-
#   The MLmodel file has no signature with inputs, so MLflow's serving layer cannot enforce an
#   input schema: malformed or adversarial payloads reach the model unchecked.
#   Reported at low when nothing in the project loads, serves or ships the model directory.
#   Also applied to the MLmodel of every model version in a live MLflow registry
#   (--mlflow-uri), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-005
#   severity: medium
#   stride: [tampering, denial-of-service]
#   linddun: []
#   atlas: []
#   owasp_ml: [ML01]
#   cwe: [20]
#   references: ["https://mlflow.org/docs/latest/model/signatures.html"]
#   remediation: >-
#     Log the model with a signature (mlflow.models.infer_signature or an input_example) so that
#     serving validates every request against the schema.
package mlscan.controls.model.mlmodel_signature

import data.mlscan.lib.mlmodels
import rego.v1

deny contains v if {
	some mm in mlmodels.all_mlmodels
	sig := mm.mlmodel.signature
	not sig.inputs
	base := mlmodels.violation(
		mm,
		sprintf("%s has no input signature; served requests are not validated against a schema%s", [mm.file, mlmodels.unused_note(mm)]),
		_loc(mm.mlmodel),
		{"evidence": {"signature_present": sig.present, "used_by": mlmodels.uses(mm)}},
	)
	v := object.union(base, mlmodels.unused_severity(mm))
}

# the signature key when there is one, else the MLmodel file
_loc(m) := m.signature.loc if m.signature.present

_loc(m) := m.loc if not m.signature.present
