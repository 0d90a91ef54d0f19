package mlscan.controls.supply_chain.remote_code

import rego.v1

sha := "0123456789abcdef0123456789abcdef01234567"

mk(over) := object.union({
	"kind": "from_pretrained", "api": "from_pretrained", "reference": "org/model",
	"reference_kind": "literal", "revision": null, "revision_kind": "absent",
	"trust_remote_code": true, "source": null, "loc": {"path": "train.py", "line": 5},
}, over)

doc(loads, deps) := {"supply_chain": {"loads": loads, "pip_git": deps}}

test_fires_on_trust_remote_code if {
	some v in deny with input as doc([mk({})], [])
	v.msg == "from_pretrained('org/model') runs the repository's Python code (trust_remote_code=True) without a pinned commit"
	v.severity == "high"
}

test_fires_medium_when_pinned if {
	some v in deny with input as doc([mk({"revision": sha, "revision_kind": "literal"})], [])
	v.severity == "medium"
}

test_fires_on_torch_hub_and_pip_git if {
	vs := deny with input as doc(
		[mk({"kind": "torch_hub", "api": "torch.hub.load", "reference": "ultralytics/yolov5", "trust_remote_code": null})],
		[{"url": "git+https://github.com/org/pkg", "ref": "main", "file_kind": "dockerfile", "loc": {"path": "Dockerfile", "line": 4}}],
	)
	count(vs) == 2
}

test_silent_without_remote_code if {
	count(deny) == 0 with input as doc(
		[mk({"trust_remote_code": false}), mk({"trust_remote_code": null}), mk({"kind": "torch_hub", "reference": "hubconf_dir", "source": "local", "trust_remote_code": null})],
		[{"url": "git+https://github.com/org/pkg", "ref": sha, "file_kind": "dockerfile", "loc": {"path": "Dockerfile", "line": 4}}],
	)
}
