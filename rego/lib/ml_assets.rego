package mlscan.lib.ml_assets

# The ML asset graph (input.assets): which bucket plays which role, and why.

import rego.v1

_buckets := object.get(object.get(input, "assets", {}), "buckets", [])

# The asset entries by name, built once per evaluation so that a lookup per bucket does
# not scan every entry (the collector emits one entry per name; should a document hold
# two, the first one wins).
_positions[b.name] contains i if {
	some i, b in _buckets
}

_by_name := {name: _buckets[min(positions)] | some name, positions in _positions}

# The asset entry of a bucket name, or an empty entry.
bucket(name) := _by_name[name] if {
	_by_name[name]
} else := {"name": name, "roles": [], "role": null, "stores_models": false, "links": [], "description": ""}

roles(name) := bucket(name).roles

stores_models(name) if bucket(name).stores_models

holds_training_data(name) if "training-data" in bucket(name).roles

# True when the bucket has any ML role (training data, models, registry artifacts).
ml_bucket(name) if count(bucket(name).roles) > 0

# "acme-models (DVC remote 'prod', MLflow artifact root)" or "acme-models (model-store by name)".
describe(name) := _descriptions[name] if {
	_descriptions[name]
} else := name

# Every entry's description, built once per evaluation: several controls describe the
# same buckets.
_descriptions := {b.name: _description(b) | some b in _buckets}

_description(b) := sprintf("%s (%s)", [b.name, b.description]) if {
	b.description != ""
} else := sprintf("%s (%s by %s)", [b.name, b.role, concat("/", b.role_sources)]) if {
	b.role != null
} else := b.name

# The name a bucket fact is known by in the asset graph.
bucket_key(b) := b.name if b.name != null

bucket_key(b) := b.address if b.name == null
