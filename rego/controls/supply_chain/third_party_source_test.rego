package mlscan.controls.supply_chain.third_party_source

import rego.v1

mk_uri(u, fmt) := {"uri": u, "key": "storageUri", "resource_kind": "InferenceService", "resource": "sklearn-iris", "format": fmt, "loc": {"path": "k8s/isvc.yaml", "line": 10}}

dl(u, checked) := {"kind": "url_download", "api": "torch.hub.load_state_dict_from_url", "reference": u, "reference_kind": "literal", "hash_checked": checked, "loc": {"path": "serve.py", "line": 7}}

test_fires_on_public_example_bucket if {
	some v in deny with input as {"supply_chain": {"storage_uris": [mk_uri("gs://kfserving-examples/models/sklearn/1.0/model", null)], "loads": []}}
	v.msg == "InferenceService 'sklearn-iris' loads a model from gs://kfserving-examples/models/sklearn/1.0/model (a public example bucket)"
	v.severity == "medium"
}

test_fires_on_foreign_bucket_and_http_pickle if {
	vs := deny with input as {
		"assets": {"buckets": [{"name": "acme-models"}]},
		"supply_chain": {"storage_uris": [mk_uri("s3://someone-else/model.joblib", "pickle")], "loads": [dl("http://example.org/m.pt", false)]},
	}
	count(vs) == 2
	every v in vs {
		v.severity == "high"
	}
}

test_silent_on_own_bucket_and_checked_download if {
	count(deny) == 0 with input as {
		"assets": {"buckets": [{"name": "acme-models"}]},
		"supply_chain": {"storage_uris": [mk_uri("s3://acme-models/sentiment/", null), mk_uri("pvc://models/m", null)], "loads": [dl("https://download.example.org/m.pt", true), dl("https://x.org/m.onnx", false)]},
	}
}

test_fires_on_build_time_download if {
	u := {"uri": "https://drive.google.com/uc?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012", "key": "RUN gdown", "resource_kind": "Dockerfile", "resource": "Dockerfile", "format": "pickle", "loc": {"path": "Dockerfile", "line": 4}}
	some v in deny with input as {"supply_chain": {"storage_uris": [u], "loads": []}}
	v.msg == "Dockerfile 'Dockerfile' downloads at build time a model (pickle format) from https://drive.google.com/uc?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012 (a web server outside the project)"
	v.severity == "high"
}
