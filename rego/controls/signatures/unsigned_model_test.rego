package mlscan.controls.signatures.unsigned_model

import rego.v1

loc(p) := {"path": p, "line": null, "col": null, "end_line": null, "end_col": null}

model(p, signed, required, in_loc) := {
	"path": p, "kind": "file", "format": "pickle", "loc": loc(p),
	"signed": signed, "required": required, "in_model_location": in_loc,
}

evidence(p, line, what) := {"kind": "workflow", "what": what, "path": p, "loc": {"path": p, "line": line, "col": null, "end_line": line, "end_col": null}}

test_unsigned_model_in_a_project_without_signing_is_silent if {
	vs := deny with input as {"signatures": {"policy": {"required": []}, "models": [model("models/m.pkl", false, false, true)]}}
	count(vs) == 0
}

test_unsigned_model_beside_a_signed_one_fires if {
	vs := deny with input as {"signatures": {"policy": {"required": []}, "models": [
		model("models/m.pkl", false, false, true),
		model("models/ok.pkl", true, false, true),
	]}}
	count(vs) == 1
	some v in vs
	v.asset == "models/m.pkl"
	v.loc.path == "models/m.pkl"
	contains(v.msg, "of a project that signs models (models/ok.pkl is signed)")
}

test_unsigned_model_fires_with_a_signing_workflow if {
	inp := {"signatures": {"policy": {"required": []}, "models": [model("models/m.pkl", false, false, true)],
		"signing_evidence": [evidence(".github/workflows/release.yml", 12, "model_signing sign")]}}
	vs := deny with input as inp
	count(vs) == 1
	some v in vs
	contains(v.msg, "(.github/workflows/release.yml L12: model_signing sign)")
}

test_unsigned_model_fires_with_trusted_keys_or_a_committed_signature if {
	keys := {"signatures": {"policy": {"required": [], "trusted_keys": 1}, "models": [model("models/m.pkl", false, false, true)]}}
	count(deny) == 1 with input as keys
	sig := {"signatures": {"policy": {"required": []}, "models": [model("models/m.pkl", false, false, true)],
		"orphan_signatures": [{"path": "models/old.pkl.sig", "loc": loc("models/old.pkl.sig")}]}}
	count(deny) == 1 with input as sig
}

test_signed_model_is_silent if {
	vs := deny with input as {"signatures": {"policy": {"required": []}, "models": [model("models/m.pkl", true, false, true)]}}
	count(vs) == 0
}

test_model_outside_model_location_silent_without_required if {
	vs := deny with input as {"signatures": {"policy": {"required": [], "trusted_keys": 1}, "models": [model("tests/data/m.pkl", false, false, false)]}}
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
