# METADATA
# title: MLmodel path escapes the model directory
# description: >-
#   A path field of the MLmodel file (data, model_path, pickled_model, artifacts, code, env, ...)
#   is absolute or climbs out with '..'. Loading the model then reads, or unpickles, a file
#   outside the model directory that signatures and reviews of the model do not cover.
#   Also applied to the MLmodel of every model version in a live MLflow registry
#   (--mlflow-uri), reported at models:/<name>/<version>.
# custom:
#   id: MLS-MOD-007
#   severity: high
#   stride: [tampering, elevation-of-privilege]
#   linddun: []
#   atlas: [AML.T0011.000]
#   owasp_ml: [ML06]
#   cwe: [22]
#   references: ["https://mlflow.org/docs/latest/models.html#storage-format"]
#   remediation: >-
#     Keep every file the model needs inside its directory and refer to it with a relative path
#     without '..'.
package mlscan.controls.model.mlmodel_path_escape

import rego.v1

deny contains v if {
	some m in input.artifacts.mlmodels
	some p in m.paths
	p.escapes
	v := {
		"msg": sprintf("%s: %s.%s = '%s' points outside the model directory", [m.path, p.flavor, p.field, p.value]),
		"loc": p.loc,
		"asset": m.dir,
		"key": sprintf("%s.%s", [p.flavor, p.field]),
		"evidence": {"flavor": p.flavor, "field": p.field, "value": p.value},
	}
}

deny contains v if {
	some mv in input.mlflow_registry.versions
	is_object(mv.mlmodel)
	some p in mv.mlmodel.paths
	p.escapes
	v := {
		"msg": sprintf("%s: MLmodel %s.%s = '%s' points outside the model directory", [mv.logical_location, p.flavor, p.field, p.value]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"key": sprintf("%s.%s", [p.flavor, p.field]),
		"evidence": {"flavor": p.flavor, "field": p.field, "value": p.value},
	}
}
