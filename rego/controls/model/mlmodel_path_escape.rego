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

import data.mlscan.lib.mlmodels
import rego.v1

deny contains v if {
	some mm in mlmodels.all_mlmodels
	some p in mm.mlmodel.paths
	p.escapes
	v := mlmodels.violation(
		mm,
		sprintf("%s: %s%s.%s = '%s' points outside the model directory", [mm.file, _what(mm), p.flavor, p.field, p.value]),
		p.loc,
		{
			"key": sprintf("%s.%s", [p.flavor, p.field]),
			"evidence": {"flavor": p.flavor, "field": p.field, "value": p.value},
		},
	)
}

# a registry version's message names the version, so it says which file the field is in
_what(mm) := "MLmodel " if mm.registry

_what(mm) := "" if not mm.registry
