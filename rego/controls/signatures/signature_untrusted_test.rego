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

reg_version(ver) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null},
	"signature": {"path": "models:/credit/3/model.sig"}, "verification": ver,
}]}}

test_fires_registry_untrusted_key if {
	vs := deny with input as reg_version(ver("failed", "untrusted-key"))
	count(vs) == 1
	some v in vs
	v.msg == "Signature models:/credit/3/model.sig of model version models:/credit/3 is not valid: why [untrusted-key]"
	v.logical_location == "models:/credit/3"
	not v.severity
}

test_fires_registry_corrupt_bundle_without_download if {
	vs := deny with input as reg_version(ver("failed", "bundle-corrupt"))
	count(vs) == 1
}

test_fires_registry_medium_without_trust if {
	vs := deny with input as reg_version(ver("not_attempted", "no-trusted-keys"))
	some v in vs
	v.severity == "medium"
}

test_silent_registry_verified_unsigned_or_not_downloaded if {
	count(deny) == 0 with input as reg_version(ver("verified", "verified"))
	count(deny) == 0 with input as reg_version(ver("not_attempted", "not-downloaded"))
	count(deny) == 0 with input as reg_version(ver("not_attempted", "unsigned"))
	count(deny) == 0 with input as reg_version(ver("failed", "contents-differ"))
}
