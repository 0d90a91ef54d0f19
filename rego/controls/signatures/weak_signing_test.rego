package mlscan.controls.signatures.weak_signing

import data.mlscan.lib.util
import rego.v1

base := {
	"path": "models/x", "signed": true, "signature_path": "models/x.sig",
	"signature": {"loc": util.file_loc("models/x.sig"), "signer": {"kind": "keyless"}},
	"tlog_entries": 1, "trust_root": {"staging": false},
	"signature_inside_model_dir": false, "ignored_files": [],
}


test_hardened_keyless_silent if {
	count(deny) == 0 with input as {"signatures": {"models": [base]}}
}

test_keyless_without_tlog if {
	vs := deny with input as {"signatures": {"models": [object.union(base, {"tlog_entries": 0})]}}
	{v.key | some v in vs} == {"no-tlog"}
}

test_key_signed_without_tlog_is_normal if {
	m := object.union(base, {"tlog_entries": 0, "signature": {"loc": util.file_loc("models/x.sig"), "signer": {"kind": "public_key"}}})
	count(deny) == 0 with input as {"signatures": {"models": [m]}}
}

test_staging if {
	vs := deny with input as {"signatures": {"models": [object.union(base, {"trust_root": {"staging": true}})]}}
	{v.key | some v in vs} == {"staging"}
}

test_signature_inside_and_ignored_files if {
	m := object.union(base, {"signature_inside_model_dir": true, "ignored_files": ["models/x/extra.pkl"]})
	vs := deny with input as {"signatures": {"models": [m]}}
	{v.key | some v in vs} == {"signature-inside", "ignored-files"}
	some v in vs
	v.key == "ignored-files"
	v.related == [util.file_loc("models/x/extra.pkl")]
}

test_unsigned_silent if {
	m := object.union(base, {"signed": false, "tlog_entries": 0, "signature_inside_model_dir": true})
	count(deny) == 0 with input as {"signatures": {"models": [m]}}
}
