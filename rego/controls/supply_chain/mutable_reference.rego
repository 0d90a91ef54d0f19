# METADATA
# title: Base model or dataset pulled by a mutable reference
# description: >-
#   A model, tokenizer, adapter or dataset is downloaded from the Hugging Face Hub (or
#   torch.hub, timm, open_clip, a SageMaker HF_MODEL_ID, a KServe hf:// storage URI) by name,
#   a branch or a tag instead of a commit SHA. Whoever controls the repository - its owner,
#   a compromised account, a renamed or re-registered name - changes what the next training
#   run or deployment loads, without any change in this repository.
# custom:
#   id: MLS-SUP-001
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010, AML.T0010.002, AML.T0010.003]
#   owasp_ml: [ML06, ML10]
#   cwe: [494, 829]
#   references: ["https://huggingface.co/docs/huggingface_hub/guides/download#from-specific-version", "https://huggingface.co/docs/transformers/main_classes/model#transformers.PreTrainedModel.from_pretrained"]
#   remediation: >-
#     Pin the commit: `AutoModel.from_pretrained("org/model",
#     revision="4f2c1a9e0b7d3c5e6f8a9b0c1d2e3f4a5b6c7d8e")`, `hf_hub_download(..., revision=<sha>)`,
#     `load_dataset("org/data", revision=<sha>)`, `torch.hub.load("owner/repo:<sha>", ...)`,
#     `HF_MODEL_REVISION=<sha>` beside `HF_MODEL_ID`, `storageUri: hf://org/model:<sha>`; or
#     mirror the artifact into your own registry and load it from there with a digest.
package mlscan.controls.supply_chain.mutable_reference

import data.mlscan.lib.supply_chain as lib
import rego.v1

deny contains v if {
	some load in input.supply_chain.loads
	load.kind in lib.hub_kinds
	lib.hub_ref(load)
	not dataset_builder(load)
	lib.mutable_revision(load)
	v := violation(load, sprintf("%s pulls '%s'%s from the Hugging Face Hub with %s", [load.api, load.reference, param_text(load), lib.revision_text(load)]))
}

deny contains v if {
	some load in input.supply_chain.loads
	load.kind == "pipeline"
	load.reference_kind == "absent"
	v := violation(load, sprintf("%s() without model= downloads the task's default model, unpinned", [load.api]))
}

deny contains v if {
	some load in input.supply_chain.loads
	load.kind == "timm"
	load.pretrained == true
	not load.pretrained_cfg_overlay
	v := violation(load, sprintf("%s(%s, pretrained=True) downloads weights by model name, not by commit", [load.api, ref_text(load)]))
}

deny contains v if {
	some load in input.supply_chain.loads
	load.kind == "open_clip"
	is_string(load.pretrained)
	load.pretrained != ""
	v := violation(load, sprintf("%s(%s, pretrained='%s') downloads weights by tag, not by commit", [load.api, ref_text(load), load.pretrained]))
}

deny contains v if {
	some load in input.supply_chain.loads
	lib.hub_github(load)
	not lib.sha(lib.torch_hub_ref(load))
	v := violation(load, sprintf("%s('%s') loads a GitHub repository by branch or tag, not by commit", [load.api, load.reference]))
}

deny contains v if {
	some env in input.supply_chain.hf_env
	env.revision_set == false
	v := {
		"msg": sprintf("HF_MODEL_ID %s without HF_MODEL_REVISION: the serving container downloads whatever the Hub's main branch holds", [model_text(env.model)]),
		"loc": env.loc,
		"asset": env.loc.path,
		"key": sprintf("HF_MODEL_ID:%v", [env.model]),
	}
}

deny contains v if {
	some uri in input.supply_chain.storage_uris
	startswith(uri.uri, "hf://")
	not lib.sha(lib.hf_uri_revision(uri.uri))
	v := {
		"msg": sprintf("%s %s of %s '%s' has no commit revision (hf://org/model:<sha>)", [uri.key, uri.uri, uri.resource_kind, uri.resource]),
		"loc": uri.loc,
		"asset": uri.uri,
		"key": uri.key,
	}
}

dataset_builder(load) if {
	load.kind == "load_dataset"
	load.reference in lib.packaged_builders
}

param_text(load) := sprintf(" (%s L%d)", [load.reference_param.loc.path, load.reference_param.loc.line]) if {
	load.reference_kind == "param"
} else := ""

ref_text(load) := sprintf("'%s'", [load.reference]) if is_string(load.reference)

ref_text(load) := "..." if not is_string(load.reference)

model_text(m) := sprintf("'%s'", [m]) if is_string(m)

model_text(m) := "(computed)" if not is_string(m)

violation(load, msg) := {
	"msg": msg,
	"loc": load.loc,
	"asset": object.get(load, "reference", null),
	"key": sprintf("%s:%v", [load.api, load.reference]),
	"evidence": {"api": load.api, "reference": load.reference, "revision": load.revision},
	"related": [load.reference_param.loc | load.reference_kind == "param"],
}
