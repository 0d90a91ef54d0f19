package mlscan.lib.supply_chain

import rego.v1

mk_load(over) := object.union({"kind": "from_pretrained", "reference": "bert-base-uncased", "reference_kind": "literal", "reference_in_workspace": false, "reference_saved_locally": false, "revision": null, "revision_kind": "absent"}, over)

test_hub_reference if {
	hub_ref(mk_load({}))
	hub_ref(mk_load({"reference": "org/model-1.5"}))
	not hub_ref(mk_load({"reference": "./models/bert"}))
	not hub_ref(mk_load({"reference": "s3://bucket/m"}))
	not hub_ref(mk_load({"reference_in_workspace": true}))
	not hub_ref(mk_load({"reference_saved_locally": true}))
	not hub_ref(mk_load({"reference_kind": "expression", "reference": null}))
}

test_mutable_revision if {
	mutable_revision(mk_load({}))
	mutable_revision(mk_load({"revision": "main", "revision_kind": "literal"}))
	not mutable_revision(mk_load({"revision": "0123456789abcdef0123456789abcdef01234567", "revision_kind": "literal"}))
	not mutable_revision(mk_load({"revision_kind": "expression"}))
}

test_hf_uri_revision if {
	hf_uri_revision("hf://org/model") == ""
	hf_uri_revision("hf://org/model:0123456789abcdef0123456789abcdef01234567") == "0123456789abcdef0123456789abcdef01234567"
}

test_serving_path if {
	serving_path("serving/app.py")
	serving_path("src/api/main.py")
	not serving_path("src/train.py")
}
