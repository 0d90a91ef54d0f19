# METADATA
# title: Model signature does not verify, or its signer is not trusted
# description: >-
#   The model's signature was checked offline against the configured trust
#   (signing.trusted_keys, signing.trusted_certificates, signing.trusted_identities with
#   the bundled or pinned Sigstore trust root) and failed: wrong key, wrong identity or
#   issuer, a certificate outside the trusted chain, a failed transparency-log proof, or
#   a corrupt bundle. A signature that no configured trust can check proves nothing
#   either; that case is reported at medium severity. Model versions of a live MLflow
#   registry are checked the same way when their files are downloaded
#   (--mlflow-download-artifacts); a registry signature that cannot be decoded is reported
#   even without downloading.
# custom:
#   id: MLS-SIG-003
#   severity: high
#   stride: [spoofing]
#   linddun: []
#   atlas: [AML.T0010.003, AML.M0013]
#   owasp_ml: [ML06]
#   cwe: [347]
#   references: ["https://docs.sigstore.dev/about/bundle/"]
#   remediation: >-
#     Re-sign the model with the trusted key or CI identity, or add the signer to
#     signing.trusted_keys / signing.trusted_identities after checking who it is. Verify
#     with 'mlscan verify MODEL'.
package mlscan.controls.signatures.signature_untrusted

import rego.v1

deny contains v if {
	some m in input.signatures.models
	m.signed
	ver := m.verification
	ver.status == "failed"
	v := {
		"msg": sprintf("Signature %s of model %s is not valid: %s [%s]", [m.signature_path, m.path, ver.message, ver.reason]),
		"loc": m.signature.loc,
		"asset": m.path,
		"related": [m.loc],
		"evidence": evidence(ver),
	}
}

deny contains v if {
	some m in input.signatures.models
	m.signed
	ver := m.verification
	ver.status == "not_attempted"
	v := {
		"msg": sprintf("Signature %s of model %s is not checked against any trusted signer: %s [%s]", [m.signature_path, m.path, ver.message, ver.reason]),
		"loc": m.signature.loc,
		"asset": m.path,
		"related": [m.loc],
		"severity": "medium",
		"evidence": evidence(ver),
	}
}

evidence(ver) := {
	"reason": ver.reason,
	"signer_kind": ver.signer_kind,
	"identity": ver.identity,
	"issuer": ver.issuer,
	"key_fingerprint": ver.key_fingerprint,
}

# registry model versions (--mlflow-uri): a signature that cannot be decoded, or, with
# --mlflow-download-artifacts, one that does not verify against the configured trust.
# A manifest that differs from the downloaded files is MLS-SIG-002's; a version whose
# files were not downloaded was not checked, which docs/facts.md explains.
registry_unchecked := {"unsigned", "not-downloaded", "contents-differ"}

deny contains v if {
	some mv in input.mlflow_registry.versions
	ver := mv.verification
	ver.status == "failed"
	not ver.reason in registry_unchecked
	v := {
		"msg": sprintf("Signature %s of model version %s is not valid: %s [%s]", [mv.signature.path, mv.logical_location, ver.message, ver.reason]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"evidence": evidence(ver),
	}
}

deny contains v if {
	some mv in input.mlflow_registry.versions
	ver := mv.verification
	ver.status == "not_attempted"
	not ver.reason in registry_unchecked
	v := {
		"msg": sprintf("Signature %s of model version %s is not fully checked: %s [%s]", [mv.signature.path, mv.logical_location, ver.message, ver.reason]),
		"loc": mv.loc,
		"asset": mv.logical_location,
		"logical_location": mv.logical_location,
		"severity": "medium",
		"evidence": evidence(ver),
	}
}
