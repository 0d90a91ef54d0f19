package mlscan.lib.ml_assets

# The ML asset graph (input.assets, built by the link stage): which bucket plays which
# role, and why. This is the one bucket-role model every control uses: roles come from
# use (the links: DVC remote, MLflow artifact root, serving model URI, SageMaker model
# data, data capture, Python storage calls); only a bucket nothing uses is classified by
# its name, resource address or tags (weak evidence). A Terraform state bucket (named in a
# `backend "s3"` / `"gcs"` block, or named like one) or a CI pipeline's artifact store
# never gets a role by name; a pipeline's artifact store holds models or data only when
# the pipeline's actions output them (by the names of their output artifacts).

import data.mlscan.lib.bucket_roles
import rego.v1

_buckets := object.get(object.get(input, "assets", {}), "buckets", [])

# The asset entries by name, built once per evaluation so that a lookup per bucket does
# not scan every entry (the link stage emits one entry per name; should a document hold
# two, the first one wins).
_positions[b.name] contains i if {
	some i, b in _buckets
}

_by_name := {name: _enrich(_buckets[min(positions)]) | some name, positions in _positions}

_empty(name) := {
	"name": name, "roles": [], "role": null, "role_sources": [], "stores_models": false,
	"links": [], "description": "", "evidence": [], "infrastructure": false,
}

# The asset entry of a bucket name (with the roles decided here), or an empty entry.
bucket(name) := _by_name[name] if {
	_by_name[name]
} else := _empty(name)

_priority := ["registry-artifacts", "model-store", "training-data", "inference-data"]

# The role one link gives: by its kind; a DVC remote or Python call whose name or prefix
# says "model" (remote "models", prefix "models/") holds models.
_link_role(lk) := "model-store" if {
	lk.kind in {"dvc-remote", "code-reference"}
	bucket_roles.hint_role(sprintf("%s %s", [lk.name, _text(object.get(lk, "prefix", null))])) == "model-store"
} else := bucket_roles.link_roles[lk.kind]

_text(x) := x if is_string(x)

_text(x) := "" if not is_string(x)

# Roles from use: each link's role (a hand-written entry without links may give its
# roles), and what the CI pipelines that use it as their artifact store output.
_use_roles(b) := _link_roles(b) | _ci_roles(b)

_link_roles(b) := {r | some lk in b.links; r := _link_role(lk)} if {
	count(object.get(b, "links", [])) > 0
} else := {r | some r in object.get(b, "roles", [])}

_ci_stores(b) := object.get(b, "ci_artifact_stores", [])

_ci_roles(b) := {r |
	some s in _ci_stores(b)
	some o in object.get(s, "output_artifacts", [])
	r := bucket_roles.ci_output_role(o)
}

_tag_text(b) := concat(" ", [sprintf("%s=%s", [k, v]) | some k, v in object.get(b, "tags", {})])

_state(b) if object.get(b, "state_backend", false)

# A CI/CD pipeline's artifact store (aws_codepipeline artifact_store) is infrastructure too.
_state(b) if count(object.get(b, "ci_artifact_stores", [])) > 0

_state(b) if bucket_roles.state_name(b.name)

_state(b) if {
	some a in object.get(b, "addresses", [])
	bucket_roles.state_name(a)
}

# Weak evidence, only for a bucket nothing uses and that is not a state bucket.
_hint(b) := [r, "name"] if {
	r := bucket_roles.hint_role(b.name)
} else := [r, "address"] if {
	texts := [a | some a in object.get(b, "addresses", []); bucket_roles.hint_role(a)]
	count(texts) > 0
	r := bucket_roles.hint_role(texts[0])
} else := [r, "tag"] if {
	r := bucket_roles.hint_role(_tag_text(b))
}

_roles(b) := [r | some r in _priority; r in _use_roles(b)] if {
	count(_use_roles(b)) > 0
} else := [h[0]] if {
	not _state(b)
	h := _hint(b)
} else := []

_sources(b) := array.concat(_link_sources(b), _ci_sources(b)) if {
	count(_use_roles(b)) > 0
} else := [h[1]] if {
	not _state(b)
	h := _hint(b)
} else := []

_link_sources(b) := ["link"] if {
	count(object.get(b, "links", [])) > 0
	count(_link_roles(b)) > 0
} else := object.get(b, "role_sources", []) if {
	count(_link_roles(b)) > 0
} else := []

_ci_sources(b) := ["ci-outputs"] if {
	count(_ci_roles(b)) > 0
} else := []

# The evidence behind the roles, for messages and findings.
_evidence(b) := array.concat(_link_evidence(b), _ci_evidence(b)) if {
	count(_use_roles(b)) > 0
} else := [sprintf("its %s (weak evidence)", [_sources(b)[0]])] if {
	count(_sources(b)) > 0
} else := []

_link_evidence(b) := [sprintf("%s at %s:%d", [_label(lk), lk.loc.path, _line(lk.loc)]) | some lk in object.get(b, "links", [])]

_ci_evidence(b) := [sprintf("artifact store of CI pipeline %s at %s:%d (outputs %s)", [s.address, s.loc.path, _line(s.loc), concat(", ", outs)]) |
	some s in _ci_stores(b)
	outs := [o | some o in object.get(s, "output_artifacts", []); bucket_roles.ci_output_role(o)]
	count(outs) > 0
]

_label(lk) := sprintf("DVC remote '%s'", [lk.name]) if {
	lk.kind == "dvc-remote"
} else := sprintf("%s (%s)", [_kind_label[lk.kind], lk.name]) if {
	_kind_label[lk.kind]
} else := lk.kind

_kind_label := {
	"mlflow-artifact-root": "MLflow artifact root",
	"mlflow-artifacts-destination": "MLflow artifacts destination",
	"model-uri": "serving model URI",
	"tracking-uri": "MLflow tracking URI",
	"sagemaker-model-data": "SageMaker model data",
	"data-capture": "SageMaker data capture",
	"code-reference": "Python storage call",
	"ml-workspace-storage": "Azure ML workspace storage",
}

_line(loc) := loc.line if is_number(loc.line)

_line(loc) := 0 if not is_number(loc.line)

_enrich(b) := object.union(b, {
	"roles": roles,
	"role": _first(roles),
	"role_sources": _sources(b),
	"stores_models": count({"model-store", "registry-artifacts"} & {r | some r in roles}) > 0,
	"evidence": _evidence(b),
	"infrastructure": _infrastructure(b, roles),
}) if {
	roles := _roles(b)
}

_infrastructure(b, roles) := true if {
	count(roles) == 0
	_state(b)
} else := false

_first(xs) := xs[0] if count(xs) > 0

_first(xs) := null if count(xs) == 0

roles(name) := bucket(name).roles

stores_models(name) if bucket(name).stores_models

holds_training_data(name) if "training-data" in bucket(name).roles

# A Terraform state bucket or a CI pipeline's scratch store: infrastructure with no ML role.
infrastructure(name) if bucket(name).infrastructure

# The bucket's name, one of its resource addresses or its tags declare it a store meant to
# be immutable (bucket_roles.immutable_hints): object lock is asked of it.
immutable_store(name) if {
	b := bucket(name)
	some text in array.concat([b.name, _tag_text(b)], object.get(b, "addresses", []))
	bucket_roles.immutable_name(text)
}

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
} else := sprintf("%s (%s by %s)", [b.name, e.role, concat("/", e.role_sources)]) if {
	e := _by_name[b.name]
	e.role != null
} else := b.name

# The name a bucket fact is known by in the asset graph.
bucket_key(b) := b.name if b.name != null

bucket_key(b) := b.address if b.name == null
