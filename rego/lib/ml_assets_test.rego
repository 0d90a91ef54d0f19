package mlscan.lib.ml_assets_test

import data.mlscan.lib.ml_assets
import rego.v1

_assets := {"assets": {"buckets": [{
	"name": "acme-models", "roles": ["model-store"], "role": "model-store", "stores_models": true,
	"links": [], "description": "MLflow artifact root", "role_sources": ["mlflow"],
}]}}

test_known_bucket if {
	ml_assets.stores_models("acme-models") with input as _assets
	ml_assets.ml_bucket("acme-models") with input as _assets
	not ml_assets.holds_training_data("acme-models") with input as _assets
	ml_assets.describe("acme-models") == "acme-models (MLflow artifact root)" with input as _assets
}

test_unknown_bucket_is_empty if {
	ml_assets.roles("other") == [] with input as _assets
	not ml_assets.ml_bucket("other") with input as _assets
	ml_assets.describe("other") == "other" with input as _assets
}

test_bucket_key if {
	ml_assets.bucket_key({"name": "a", "address": "x"}) == "a"
	ml_assets.bucket_key({"name": null, "address": "x"}) == "x"
}
