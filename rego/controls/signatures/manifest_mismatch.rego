# METADATA
# title: Model contents differ from the signed manifest
# description: >-
#   The signature's in-toto statement lists every file of the model with its sha256. A
#   file on disk has a different digest, a file was added, or a signed file is missing:
#   the model is not the artifact that was signed (tampering, a partial download, or a
#   model swapped after signing). The comparison uses the statement even when the
#   signature itself cannot be verified. Model versions of a live MLflow registry are
#   compared when their files are downloaded (--mlflow-download-artifacts).
# custom:
#   id: MLS-SIG-002
#   severity: critical
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0018, AML.M0014]
#   owasp_ml: [ML10]
#   cwe: [347]
#   references: ["https://github.com/sigstore/model-transparency"]
#   remediation: >-
#     Restore the signed files (or fetch the model again from the registry) and verify it
#     with 'mlscan verify MODEL'. If the change is intended, sign the new model version.
package mlscan.controls.signatures.manifest_mismatch

import data.mlscan.lib.signed_models
import data.mlscan.lib.util
import rego.v1

deny contains v if {
	some sm in signed_models.all_signed
	d := sm.diff
	is_object(d)
	count(d.changed) + count(d.added) + count(d.missing) > 0
	groups := [["changed", d.changed], ["added", d.added], ["missing", d.missing]]
	parts := [sprintf("%s: %s", [g[0], concat(", ", g[1])]) | some g in groups; count(g[1]) > 0]
	v := util.violation(
		sprintf("%s differs from its signed manifest %s (%s)", [sm.label, sm.signature, concat("; ", parts)]),
		sm.loc,
		sm.asset,
		object.union(sm.extra, {
			"related": array.concat(_files(sm, d), sm.related),
			"evidence": {"changed": d.changed, "added": d.added, "missing": d.missing},
		}),
	)
}

# the files that differ, as related locations (registry versions have no file positions)
_files(sm, d) := [util.file_loc(p) | some p in array.concat(d.changed, d.added)] if not sm.registry

_files(sm, _) := [] if sm.registry
