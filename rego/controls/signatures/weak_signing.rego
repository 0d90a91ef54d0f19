# METADATA
# title: Weak model signing setup
# description: >-
#   The model is signed, but in a way that weakens what the signature proves: a keyless
#   (Sigstore) signature without a transparency-log entry, a signature made or checked
#   against Sigstore's staging instance, a signature file stored inside the signed model
#   directory, or files present in the model that the signature deliberately ignores
#   (ignore_paths) and therefore nobody vouches for.
# custom:
#   id: MLS-SIG-004
#   severity: medium
#   stride: [tampering, repudiation]
#   linddun: []
#   atlas: [AML.M0013]
#   owasp_ml: [ML06]
#   cwe: [345]
#   references: ["https://docs.sigstore.dev/logging/overview/"]
#   remediation: >-
#     Sign with the production Sigstore instance (with its Rekor entry) or a managed key,
#     keep the signature beside the model (models/x.sig for models/x/), and sign every
#     file the model ships with instead of ignoring it.
package mlscan.controls.signatures.weak_signing

import data.mlscan.lib.util
import rego.v1

violation(m, key, msg, related) := {
	"msg": sprintf("Model %s: %s", [m.path, msg]),
	"loc": m.signature.loc,
	"asset": m.path,
	"key": key,
	"related": related,
	"evidence": {"weakness": key, "signature": m.signature_path},
}

signed_models contains m if {
	some m in input.signatures.models
	m.signed
}

deny contains v if {
	some m in signed_models
	m.signature.signer.kind == "keyless"
	m.tlog_entries == 0
	v := violation(
		m, "no-tlog",
		"keyless signature has no transparency-log entry, so nobody can audit when or by whom it was made",
		[],
	)
}

deny contains v if {
	some m in signed_models
	m.trust_root.staging
	v := violation(
		m, "staging",
		"signature belongs to Sigstore's staging instance, which is for testing and offers no production guarantees",
		[],
	)
}

deny contains v if {
	some m in signed_models
	m.signature_inside_model_dir
	v := violation(
		m, "signature-inside",
		sprintf("signature %s is stored inside the signed directory it protects", [m.signature_path]),
		[],
	)
}

deny contains v if {
	some m in signed_models
	count(m.ignored_files) > 0
	v := violation(
		m, "ignored-files",
		sprintf("files ship with the model but the signature ignores them: %s", [concat(", ", m.ignored_files)]),
		[util.file_loc(p) | some p in m.ignored_files],
	)
}
