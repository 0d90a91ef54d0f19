# METADATA
# title: Registry model version without a signature
# description: >-
#   A model version in the live MLflow registry carries no signature artifact (model-signing
#   `.sig` or Sigstore bundle). Nothing proves that the weights a serving job pulls are the ones
#   the training pipeline produced; an insider or a compromised account can swap them silently.
#   Versions behind an alias or in the Production/Staging stage are reported at high severity.
# custom:
#   id: MLS-MLF-007
#   severity: high
#   stride: [tampering, repudiation]
#   linddun: []
#   atlas: [AML.M0013, AML.M0014]
#   owasp_ml: [ML06, ML10]
#   cwe: [345]
#   references: ["https://github.com/sigstore/model-transparency"]
#   remediation: >-
#     Sign each model directory with model-signing in the training pipeline and log the `.sig`
#     beside MLmodel; verify it (`mlscan verify`) before promotion and before serving.
package mlscan.controls.mlflow.registry_unsigned_version

import rego.v1

deny contains v if {
	some mv in input.mlflow_registry.versions
	mv.files_listed
	count(mv.signature_files) == 0
	v := {
		"msg": sprintf("registered model version %s%s has no signature artifact", [mv.logical_location, exposure(mv)]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"severity": severity(mv),
		"evidence": {"aliases": mv.aliases, "stage": mv.stage},
	}
}

promoted(mv) if count(mv.aliases) > 0

promoted(mv) if mv.stage in {"Production", "Staging"}

severity(mv) := "high" if promoted(mv)

severity(mv) := "medium" if not promoted(mv)

exposure(mv) := sprintf(" (alias %s)", [concat(", ", mv.aliases)]) if count(mv.aliases) > 0

exposure(mv) := sprintf(" (stage %s)", [mv.stage]) if {
	count(mv.aliases) == 0
	mv.stage in {"Production", "Staging"}
}

exposure(mv) := "" if not promoted(mv)
