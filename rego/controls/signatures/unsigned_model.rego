# METADATA
# title: Model artifact without a signature
# description: >-
#   A model file or model directory has no model-signing signature, so nobody can prove
#   who produced it or that it is the artifact that was trained and reviewed. When
#   signing.required is set, only the models it names must be signed. Otherwise, where the
#   project signs models (trusted keys, certificates, identities or a trust root
#   configured, another model signed, a signature committed, a model-signing or sigstore
#   dependency, a signing command in CI or a script, code importing model_signing), every
#   model directory (MLmodel, SavedModel, signed tree) and every model file under a
#   models/-like folder (models, model, artifacts, checkpoints, weights) must be, except
#   the run outputs of a local MLflow tracking store (mlruns/). A project with no sign of
#   signing gets no finding: an unsigned model there is the norm, not an exception.
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
	count(signing_in_use) > 0
}

policy := object.get(input, ["signatures", "policy"], {})

# what shows the project signs models (each a phrase for the message)
signing_in_use contains "trusted signers are configured" if {
	object.get(policy, "trusted_keys", 0) + object.get(policy, "trusted_certificates", 0) + object.get(policy, "trusted_identities", 0) > 0
}

signing_in_use contains "a trust root is configured" if is_string(object.get(policy, "trust_root", null))

signing_in_use contains sprintf("%s is signed", [m.path]) if {
	some m in input.signatures.models
	m.signed
}

signing_in_use contains sprintf("%s is a committed signature", [s.path]) if {
	some s in object.get(input, ["signatures", "orphan_signatures"], [])
}

signing_in_use contains sprintf("%s L%d: %s", [e.path, e.loc.line, e.what]) if {
	some e in object.get(input, ["signatures", "signing_evidence"], [])
}

why(m) := sprintf("signing.required names it (%s)", [concat(", ", required_globs)]) if {
	count(required_globs) > 0
} else := sprintf("it is a model artifact in a model location of a project that signs models (%s)", [sort(signing_in_use)[0]])

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
