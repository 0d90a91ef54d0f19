# METADATA
# title: Model artifact without a signature
# description: >-
#   A model file or model directory has no model-signing signature, so nobody can prove
#   who produced it or that it is the artifact that was trained and reviewed. When
#   signing.required is set, only the models it names must be signed; otherwise every
#   model directory (MLmodel, SavedModel, signed tree) and every model file under a
#   models/-like folder (models, model, artifacts, checkpoints, weights) must be, except
#   the run outputs of a local MLflow tracking store (mlruns/).
# custom:
#   id: MLS-SIG-001
#   severity: high
#   stride: [tampering, repudiation]
#   linddun: []
#   atlas: [AML.M0013, AML.M0014]
#   owasp_ml: [ML06]
#   cwe: [345]
#   references: ["https://github.com/sigstore/model-transparency"]
#   remediation: >-
#     Sign the model when it is produced (model_signing sign key|certificate|sigstore
#     MODEL --signature MODEL.sig), commit or publish the signature beside it, and list
#     the models that must be signed in signing.required.
package mlscan.controls.signatures.unsigned_model

import rego.v1

required_globs := object.get(input, ["signatures", "policy", "required"], [])

must_be_signed(m) if {
	count(required_globs) > 0
	m.required
}

must_be_signed(m) if {
	count(required_globs) == 0
	m.in_model_location
}

why(m) := sprintf("signing.required names it (%s)", [concat(", ", required_globs)]) if {
	count(required_globs) > 0
} else := "it is a model artifact in a model location"

deny contains v if {
	some m in input.signatures.models
	not m.signed
	must_be_signed(m)
	v := {
		"msg": sprintf(
			"Model %s (%s) has no signature (looked for %s.sig, %s.sigstore.json); %s",
			[m.path, m.format, m.path, m.path, why(m)],
		),
		"loc": m.loc,
		"asset": m.path,
		"evidence": {"format": m.format, "kind": m.kind, "required": m.required},
	}
}
