# METADATA
# title: Model loaded from a source outside the project's infrastructure
# description: >-
#   A serving resource or a training script loads a model from a public example bucket, a
#   bucket the project does not define, or a plain URL - worst over http:// or in a pickle
#   based format, where whoever controls the source (or the network) runs code in the
#   loading process.
# custom:
#   id: MLS-SUP-003
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010, AML.T0010.003]
#   owasp_ml: [ML06, ML10]
#   cwe: [494, 829]
#   references: ["https://kserve.github.io/website/latest/modelserving/storage/storagecontainers/"]
#   remediation: >-
#     Copy the model into a bucket the project owns (versioned, write-restricted), record its
#     digest, prefer safetensors/ONNX to pickle formats, and load it over https with a hash
#     check: `torch.hub.load_state_dict_from_url(url, check_hash=True)` (file name carries the
#     sha256 prefix) or `keras.utils.get_file(..., file_hash="<sha256>")`.
package mlscan.controls.supply_chain.third_party_source

import data.mlscan.lib.supply_chain as lib
import rego.v1

deny contains v if {
	some uri in input.supply_chain.storage_uris
	why := third_party(uri.uri)
	v := {
		"msg": sprintf("%s '%s' %s %s from %s (%s)", [uri.resource_kind, uri.resource, verb(uri), format_text(uri.format), uri.uri, why]),
		"loc": uri.loc,
		"asset": uri.uri,
		"key": uri.key,
		"evidence": {"uri": uri.uri, "format": uri.format},
		"severity": severity(uri.format, uri.uri),
	}
}

deny contains v if {
	some load in input.supply_chain.loads
	load.kind == "url_download"
	load.reference_kind in {"literal", "constant", "param"}
	url_risk(load)
	fmt := url_format(load.reference)
	v := {
		"msg": sprintf("%s downloads %s from %s%s", [load.api, format_text(fmt), load.reference, hash_text(load)]),
		"loc": load.loc,
		"asset": load.reference,
		"key": sprintf("url:%v", [load.reference]),
		"evidence": {"uri": load.reference, "format": fmt},
		"severity": severity(fmt, load.reference),
	}
}

third_party(u) := "plaintext http" if startswith(lower(u), "http://")

third_party(u) := "a public example bucket" if lib.uri_bucket(u) in lib.public_example_buckets

third_party(u) := "a bucket the project's infrastructure does not define" if {
	b := lib.uri_bucket(u)
	not b in lib.public_example_buckets
	lib.has_own_buckets
	not b in lib.own_buckets
}

third_party(u) := "a web server outside the project" if startswith(lower(u), "https://")

url_risk(load) if startswith(lower(load.reference), "http://")

url_risk(load) if {
	startswith(lower(load.reference), "https://")
	not load.hash_checked
	url_format(load.reference) in lib.pickle_formats
}

url_format(u) := f if {
	some suffix, f in {".pkl": "pickle", ".pickle": "pickle", ".joblib": "pickle", ".pt": "torch", ".pth": "torch", ".bin": "torch", ".ckpt": "torch", ".h5": "keras", ".keras": "keras", ".safetensors": "safetensors", ".onnx": "onnx"}
	endswith(lower(split(u, "?")[0]), suffix)
} else := null

format_text(f) := sprintf("a model (%s format)", [f]) if is_string(f)

format_text(f) := "a model" if not is_string(f)

hash_text(load) := " without a hash check" if not load.hash_checked

hash_text(load) := "" if load.hash_checked

severity(f, _) := "high" if f in lib.pickle_formats

severity(f, u) := "high" if {
	not f in lib.pickle_formats
	startswith(lower(u), "http://")
}

severity(f, u) := "medium" if {
	not f in lib.pickle_formats
	not startswith(lower(u), "http://")
}

verb(uri) := "downloads at build time" if uri.resource_kind == "Dockerfile"

verb(uri) := "loads" if uri.resource_kind != "Dockerfile"
