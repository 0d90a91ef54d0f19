# METADATA
# title: Signed manifest could not be compared with the model files
# description: >-
#   The model is signed, but mlscan could not check every file against the signed
#   manifest: the manifest uses a hash or serialization mlscan does not compare (anything
#   but sha256 files/shards), a file could not be hashed (size limit, unreadable), or a file
#   signed in several shards was compared by size only. A valid signature then says
#   nothing about the bytes that were not compared, so the model may not be the artifact
#   that was signed. 'mlscan verify' fails such a model for the same reason.
# custom:
#   id: MLS-SIG-005
#   severity: high
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0018, AML.M0014]
#   owasp_ml: [ML10]
#   cwe: [345]
#   references: ["https://github.com/sigstore/model-transparency"]
#   remediation: >-
#     Sign the model with model-signing's default sha256 file serialization, raise
#     limits.max_file_size so every model file can be hashed, and verify it with
#     'mlscan verify MODEL'.
package mlscan.controls.signatures.manifest_not_compared

import data.mlscan.lib.util
import rego.v1

# Nothing changed, added or missing: a mismatch is MLS-SIG-002's finding.
_no_mismatch(d) if count(d.changed) + count(d.added) + count(d.missing) == 0

_not_fully_compared(d) if not d.compared

_not_fully_compared(d) if count(d.not_compared) > 0

deny contains v if {
	some m in input.signatures.models
	d := m.manifest_diff
	is_object(d)
	_no_mismatch(d)
	_not_fully_compared(d)
	v := util.violation(
		sprintf("Model %s was not fully compared with its signed manifest %s (%s)", [m.path, m.signature_path, d.reason]),
		m.loc,
		m.path,
		{
			"related": array.concat([util.file_loc(p) | some p in d.not_compared], [m.signature.loc]),
			"evidence": {"compared": d.compared, "reason": d.reason, "not_compared": d.not_compared},
		},
	)
}
