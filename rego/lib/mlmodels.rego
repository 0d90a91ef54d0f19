package mlscan.lib.mlmodels

# Every MLflow MLmodel in one shape, whether it is a file in the workspace
# (input.artifacts.mlmodels) or the MLmodel of a live registry version fetched over REST
# (input.mlflow_registry.versions[].mlmodel), so that a control has one rule for both:
#
#   mlmodel   the MLmodel facts (flavors, signature, paths, env_files)
#   file      how a message names the MLmodel: its path, or the version's logical location
#   dir       how a message names the model: its directory, or the logical location
#   asset     the model directory, or the logical location
#   registry  true for a registry version
#   extra     fields a registry finding adds: logical_location
#
# at(mm, loc): where a finding points, `loc` inside a workspace MLmodel; a registry
# version has no file positions, so its findings point at the version.

import rego.v1

all_mlmodels contains {
	"mlmodel": m,
	"file": m.path,
	"dir": m.dir,
	"asset": m.dir,
	"registry": false,
	"version_loc": null,
	"extra": {},
} if {
	some m in object.get(input, ["artifacts", "mlmodels"], [])
}

all_mlmodels contains {
	"mlmodel": mv.mlmodel,
	"file": mv.logical_location,
	"dir": mv.logical_location,
	"asset": mv.logical_location,
	"registry": true,
	"version_loc": mv.loc,
	"extra": {"logical_location": mv.logical_location},
} if {
	some mv in object.get(input, ["mlflow_registry", "versions"], [])
	is_object(mv.mlmodel)
}

at(mm, loc) := loc if not mm.registry

at(mm, _) := mm.version_loc if mm.registry

# A violation about one MLmodel (`fields`: key, evidence, related, ...).
violation(mm, msg, loc, fields) := object.union(
	object.union(mm.extra, fields),
	{"msg": msg, "loc": at(mm, loc), "asset": mm.asset},
)

# unused(mm): a workspace MLmodel that nothing in the project uses (no reference to its
# directory, its MLmodel or any of its files; artifacts.mlmodels[].used_by, built by the
# link stage), e.g. a committed run artifact under mlruns/ or mlartifacts/.
unused(mm) if {
	not mm.registry
	used := object.get(mm.mlmodel, "used_by", null)
	is_array(used)
	count(used) == 0
}

# The places that use it, as "path:line (kind)" strings.
uses(mm) := [sprintf("%s:%v (%s)", [u.path, u.line, u.kind]) | some u in object.get(mm.mlmodel, "used_by", [])]

# "low" for an unused MLmodel; the control's own severity otherwise.
unused_severity(mm) := {"severity": "low"} if unused(mm)

unused_severity(mm) := {} if not unused(mm)

# The message suffix of a finding on an unused MLmodel.
unused_note(mm) := "; nothing in the project loads, serves or ships this model" if unused(mm)

unused_note(mm) := "" if not unused(mm)
