package mlscan.lib.bucket_roles

# Classification data for bucket roles, used by mlscan.lib.ml_assets. A user policy
# folder overrides a table by defining the same name in `package mlscan.user.bucket_roles`
# (the whole table is replaced) or extends it with `extra_name_hints` / `extra_link_roles`
# there, e.g.:
#
#   package mlscan.user.bucket_roles
#   extra_name_hints := [{"role": "model-store", "pattern": "(?i)weights"}]

import rego.v1

# The role a use gives a bucket, by link kind (assets.buckets[].links[].kind).
default_link_roles := {
	"dvc-remote": "training-data",
	"mlflow-artifact-root": "registry-artifacts",
	"mlflow-artifacts-destination": "registry-artifacts",
	"model-uri": "model-store",
	"sagemaker-model-data": "model-store",
	"data-capture": "inference-data",
	"code-reference": "training-data",
	"ml-workspace-storage": "registry-artifacts",
}

# Weak evidence: words in a bucket's name, resource address or tags, tried in order (the
# first that matches gives the role). Also used to tell a DVC remote or a Python storage
# call that holds models ("models" remote, "models/" prefix) from one that holds data.
default_name_hints := [
	{"role": "registry-artifacts", "pattern": "(?i)(mlflow|registry|artifact)"},
	{"role": "model-store", "pattern": "(?i)model"},
	{"role": "training-data", "pattern": "(?i)(data|dataset|training|train|feature|label|corpus)"},
]

# Words that mark a bucket as infrastructure state, never an ML store by its name.
default_state_hints := ["(?i)(tfstate|terraform[-_]?state|tf[-_]state|state[-_]bucket)"]

# Words in the names of the artifacts a CI pipeline's actions output ("TrainedModel",
# "ModelTrainOutput") that say what the pipeline's artifact store holds. A store whose
# outputs match none of them is build scratch space (source, packaged stacks): it gets no
# ML role, not even from its own name ("...-pipeline-artifacts").
default_ci_output_hints := [
	{"role": "model-store", "pattern": "(?i)model"},
	{"role": "training-data", "pattern": "(?i)(dataset|training[-_]?data|feature)"},
]

# Words in a bucket's name, resource address or tags that declare it a store meant to be
# immutable (retention, WORM, compliance, legal hold). Object lock is a compliance choice:
# MLS-BKT-005 asks it at its full severity only of such buckets (low elsewhere).
default_immutable_hints := ["(?i)(immutab|worm|compliance|retention|legal[-_ ]?hold)"]

link_roles := object.union(data.mlscan.user.bucket_roles.link_roles, _extra_link_roles) if {
	data.mlscan.user.bucket_roles.link_roles
} else := object.union(default_link_roles, _extra_link_roles)

_extra_link_roles := data.mlscan.user.bucket_roles.extra_link_roles if {
	data.mlscan.user.bucket_roles.extra_link_roles
} else := {}

name_hints := array.concat(_extra_name_hints, data.mlscan.user.bucket_roles.name_hints) if {
	data.mlscan.user.bucket_roles.name_hints
} else := array.concat(_extra_name_hints, default_name_hints)

_extra_name_hints := data.mlscan.user.bucket_roles.extra_name_hints if {
	data.mlscan.user.bucket_roles.extra_name_hints
} else := []

state_hints := data.mlscan.user.bucket_roles.state_hints if {
	data.mlscan.user.bucket_roles.state_hints
} else := default_state_hints

# The role the first matching hint gives `text`, or undefined.
hint_role(text) := role if {
	matches := [h.role | some h in name_hints; regex.match(h.pattern, text)]
	count(matches) > 0
	role := matches[0]
}

state_name(text) if {
	some p in state_hints
	regex.match(p, text)
}

ci_output_hints := data.mlscan.user.bucket_roles.ci_output_hints if {
	data.mlscan.user.bucket_roles.ci_output_hints
} else := default_ci_output_hints

immutable_hints := data.mlscan.user.bucket_roles.immutable_hints if {
	data.mlscan.user.bucket_roles.immutable_hints
} else := default_immutable_hints

# The role the first matching CI output hint gives an output artifact's name, or undefined.
ci_output_role(text) := role if {
	matches := [h.role | some h in ci_output_hints; regex.match(h.pattern, text)]
	count(matches) > 0
	role := matches[0]
}

immutable_name(text) if {
	some p in immutable_hints
	regex.match(p, text)
}
