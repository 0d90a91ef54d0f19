package mlscan.controls.signatures.manifest_not_compared

import data.mlscan.lib.util
import rego.v1

model(diff) := {
	"path": "models/x", "kind": "dir", "loc": util.file_loc("models/x"),
	"signature_path": "models/x.sig", "signature": {"loc": util.file_loc("models/x.sig")},
	"manifest_diff": diff,
}

_diff(extra) := object.union(
	{"compared": true, "reason": null, "changed": [], "added": [], "missing": [], "not_compared": []},
	extra,
)

test_fires_on_unsupported_hash if {
	vs := deny with input as {"signatures": {"models": [model(_diff({
		"compared": false, "reason": "signed with blake2; mlscan compares sha256 manifests only",
	}))]}}
	count(vs) == 1
	some v in vs
	v.msg == "Model models/x was not fully compared with its signed manifest models/x.sig (signed with blake2; mlscan compares sha256 manifests only)"
	v.loc.path == "models/x"
	v.asset == "models/x"
}

test_fires_on_file_compared_by_size_only if {
	vs := deny with input as {"signatures": {"models": [model(_diff({
		"reason": "multi-shard files compared by size only", "not_compared": ["models/x/w.bin"],
	}))]}}
	some v in vs
	[r.path | some r in v.related] == ["models/x/w.bin", "models/x.sig"]
	v.evidence.not_compared == ["models/x/w.bin"]
}

test_silent_on_fully_compared_manifest if {
	count(deny) == 0 with input as {"signatures": {"models": [model(_diff({}))]}}
}

test_silent_on_mismatch_reported_by_sig_002 if {
	count(deny) == 0 with input as {"signatures": {"models": [model(_diff({
		"changed": ["models/x/w.bin"], "not_compared": ["models/x/other.bin"],
		"reason": "multi-shard files compared by size only",
	}))]}}
}

test_silent_on_unsigned_model if {
	count(deny) == 0 with input as {"signatures": {"models": [model(null)]}}
}
