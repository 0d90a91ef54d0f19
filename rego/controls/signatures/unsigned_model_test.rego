package mlscan.controls.signatures.unsigned_model

import rego.v1

loc(p) := {"path": p, "line": null, "col": null, "end_line": null, "end_col": null}

model(p, signed, required, in_loc) := {
	"path": p, "kind": "file", "format": "pickle", "loc": loc(p),
	"signed": signed, "required": required, "in_model_location": in_loc,
}

test_unsigned_model_in_models_dir_fires if {
	vs := deny with input as {"signatures": {"policy": {"required": []}, "models": [model("models/m.pkl", false, false, true)]}}
	count(vs) == 1
	some v in vs
	v.asset == "models/m.pkl"
	v.loc.path == "models/m.pkl"
}

test_signed_model_is_silent if {
	vs := deny with input as {"signatures": {"policy": {"required": []}, "models": [model("models/m.pkl", true, false, true)]}}
	count(vs) == 0
}

test_model_outside_model_location_silent_without_required if {
	vs := deny with input as {"signatures": {"policy": {"required": []}, "models": [model("tests/data/m.pkl", false, false, false)]}}
	count(vs) == 0
}

test_required_globs_decide_when_set if {
	inp := {"signatures": {"policy": {"required": ["release/**"]}, "models": [
		model("release/m.pkl", false, true, false),
		model("models/other.pkl", false, false, true),
	]}}
	vs := deny with input as inp
	count(vs) == 1
	some v in vs
	v.asset == "release/m.pkl"
	contains(v.msg, "signing.required names it (release/**)")
}

test_no_signature_facts_silent if {
	count(deny) == 0 with input as {}
}
