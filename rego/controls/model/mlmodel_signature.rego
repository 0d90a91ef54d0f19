# METADATA
# title: MLflow model without an input signature
# description: >-
#   The MLmodel file has no signature with inputs, so MLflow's serving layer cannot enforce an
#   input schema: malformed or adversarial payloads reach the model unchecked.
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

import rego.v1

deny contains v if {
	some m in input.artifacts.mlmodels
	not m.signature.inputs
	v := {
		"msg": sprintf("%s has no input signature; served requests are not validated against a schema", [m.path]),
		"loc": loc(m),
		"asset": m.dir,
		"evidence": {"signature_present": m.signature.present},
	}
}

loc(m) := m.signature.loc if m.signature.present

loc(m) := m.loc if not m.signature.present

deny contains v if {
	some mv in input.mlflow_registry.versions
	is_object(mv.mlmodel)
	not mv.mlmodel.signature.inputs
	v := {
		"msg": sprintf("%s has no input signature; served requests are not validated against a schema", [mv.logical_location]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"evidence": {"signature_present": mv.mlmodel.signature.present},
	}
}
