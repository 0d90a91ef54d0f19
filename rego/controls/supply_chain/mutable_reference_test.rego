package mlscan.controls.supply_chain.mutable_reference

import rego.v1

sha := "0123456789abcdef0123456789abcdef01234567"

mk(over) := object.union({
	"kind": "from_pretrained", "api": "from_pretrained", "reference": "bert-base-uncased",
	"reference_kind": "literal", "reference_in_workspace": false,
	"reference_saved_locally": false, "revision": null,
	"revision_kind": "absent", "trust_remote_code": null, "pretrained": null,
	"pretrained_cfg_overlay": false, "source": null, "hash_checked": false, "cell": null,
	"loc": {"path": "src/featurize.py", "line": 9, "col": 13},
}, over)

doc(loads) := {"supply_chain": {"loads": loads, "hf_env": [], "storage_uris": []}}

test_fires_on_from_pretrained_without_revision if {
	some v in deny with input as doc([mk({})])
	v.msg == "from_pretrained pulls 'bert-base-uncased' from the Hugging Face Hub with no revision"
	v.loc.line == 9
}

test_fires_on_branch_revision if {
	some v in deny with input as doc([mk({"revision": "main", "revision_kind": "literal"})])
	contains(v.msg, "revision 'main'")
}

test_fires_on_default_pipeline_timm_openclip_torch_hub if {
	vs := deny with input as doc([
		mk({"kind": "pipeline", "api": "transformers.pipeline", "reference": null, "reference_kind": "absent"}),
		mk({"kind": "timm", "api": "timm.create_model", "reference": "resnet50", "pretrained": true, "loc": {"path": "a.py", "line": 2}}),
		mk({"kind": "open_clip", "api": "open_clip.create_model_and_transforms", "reference": "ViT-B-32", "pretrained": "laion2b_s34b_b79k", "loc": {"path": "a.py", "line": 3}}),
		mk({"kind": "torch_hub", "api": "torch.hub.load", "reference": "pytorch/vision:v0.10.0", "loc": {"path": "a.py", "line": 4}}),
	])
	count(vs) == 4
}

test_fires_on_hf_env_and_hf_uri if {
	d := {"supply_chain": {"loads": [], "hf_env": [{"model": "org/m", "revision_set": false, "loc": {"path": "infra/sm.tf", "line": 12}}], "storage_uris": [{"uri": "hf://org/m", "key": "storageUri", "resource_kind": "InferenceService", "resource": "llm", "format": null, "loc": {"path": "k8s/isvc.yaml", "line": 9}}]}}
	vs := deny with input as d
	count(vs) == 2
}

test_silent_on_pinned_local_and_unknown if {
	count(deny) == 0 with input as {"supply_chain": {
		"loads": [
			mk({"revision": sha, "revision_kind": "literal"}),
			mk({"reference": "./models/bert"}),
			mk({"reference_in_workspace": true}),
			mk({"reference": null, "reference_kind": "expression"}),
			mk({"revision_kind": "expression"}),
			mk({"kind": "load_dataset", "reference": "csv"}),
			mk({"kind": "timm", "reference": "resnet50", "pretrained": true, "pretrained_cfg_overlay": true}),
			mk({"kind": "torch_hub", "reference": sprintf("pytorch/vision:%s", [sha])}),
			mk({"kind": "torch_hub", "reference": "hub", "source": "local"}),
		],
		"hf_env": [{"model": "org/m", "revision_set": true, "loc": {"path": "a.tf", "line": 1}}],
		"storage_uris": [{"uri": sprintf("hf://org/m:%s", [sha]), "key": "storageUri", "resource_kind": "InferenceService", "resource": "x", "format": null, "loc": {"path": "a.yaml", "line": 1}}],
	}}
}

test_fires_on_reference_read_from_params if {
	p := {"file": "params.yaml", "keys": ["featurize", "tokenizer"], "loc": {"path": "params.yaml", "line": 4}}
	some v in deny with input as doc([mk({"reference_kind": "param", "reference_param": p, "reference": "distilbert/distilbert-base-uncased"})])
	v.msg == "from_pretrained pulls 'distilbert/distilbert-base-uncased' (params.yaml L4) from the Hugging Face Hub with no revision"
	v.related == [p.loc]
}
