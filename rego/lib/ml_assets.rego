package mlscan.lib.ml_assets

# The ML asset graph (input.assets): which bucket plays which role, and why.

import rego.v1

_buckets := object.get(object.get(input, "assets", {}), "buckets", [])

# The asset entry of a bucket name, or an empty entry.
bucket(name) := b if {
	some b in _buckets
	b.name == name
} else := {"name": name, "roles": [], "role": null, "stores_models": false, "links": [], "description": ""}

roles(name) := bucket(name).roles

stores_models(name) if bucket(name).stores_models

holds_training_data(name) if "training-data" in bucket(name).roles

# True when the bucket has any ML role (training data, models, registry artifacts).
ml_bucket(name) if count(bucket(name).roles) > 0

# "acme-models (DVC remote 'prod', MLflow artifact root)" or "acme-models (model-store by name)".
describe(name) := sprintf("%s (%s)", [name, b.description]) if {
	b := bucket(name)
	b.description != ""
} else := sprintf("%s (%s by %s)", [name, b.role, concat("/", b.role_sources)]) if {
	b := bucket(name)
	b.role != null
} else := name

# The name a bucket fact is known by in the asset graph.
bucket_key(b) := b.name if b.name != null

bucket_key(b) := b.address if b.name == null
