package mlscan.controls.signatures.signature_untrusted

import rego.v1

sloc := {"path": "models/m.pkl.sig", "line": null, "col": null, "end_line": null, "end_col": null}

model(ver) := {
	"path": "models/m.pkl", "signed": true, "signature_path": "models/m.pkl.sig",
	"signature": {"loc": sloc}, "loc": {"path": "models/m.pkl"}, "verification": ver,
}

ver(status, reason) := {
	"status": status, "reason": reason, "message": "why", "signer_kind": "public_key",
	"identity": null, "issuer": null, "key_fingerprint": "ab",
}

test_failed_verification_fires_high if {
	vs := deny with input as {"signatures": {"models": [model(ver("failed", "untrusted-key"))]}}
	count(vs) == 1
	some v in vs
	v.evidence.reason == "untrusted-key"
	v.loc.path == "models/m.pkl.sig"
	not v.severity
}

test_unchecked_signature_fires_medium if {
	vs := deny with input as {"signatures": {"models": [model(ver("not_attempted", "no-trusted-keys"))]}}
	count(vs) == 1
	some v in vs
	v.severity == "medium"
	v.evidence.reason == "no-trusted-keys"
}

test_verified_silent if {
	vs := deny with input as {"signatures": {"models": [model(ver("verified", "verified"))]}}
	count(vs) == 0
}

test_unsigned_silent if {
	m := object.union(model(ver("not_attempted", "unsigned")), {"signed": false})
	vs := deny with input as {"signatures": {"models": [m]}}
	count(vs) == 0
}
