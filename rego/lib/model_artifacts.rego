package mlscan.lib.model_artifacts

# Every analysed model file in one shape, whether it was found in the workspace
# (input.artifacts.files) or downloaded from a live MLflow registry version
# (input.mlflow_registry.versions[].model_files, --mlflow-download-artifacts), so that a
# control has one rule for both:
#
#   file      the file fact (format, sha256, pickle_based, dangerous_globals, ...)
#   name      how a message names it: the workspace path, or models:/name/version/path
#   loc       where the finding points: the file, or the registry version
#   asset     the file's path, or the version's logical location
#   key       "" in the workspace; the file's path inside a registry version (several
#             files of one version are several findings)
#   extra     fields a registry finding adds: logical_location
#   evidence  fields the evidence adds: the file's path for a registry file

import rego.v1

files contains {
	"file": f,
	"name": f.path,
	"loc": f.loc,
	"asset": f.path,
	"key": "",
	"extra": {},
	"evidence": {},
} if {
	some f in object.get(input, ["artifacts", "files"], [])
}

files contains {
	"file": f,
	"name": f.logical_path,
	"loc": mv.loc,
	"asset": mv.logical_location,
	"key": f.path,
	"extra": {"logical_location": mv.logical_location},
	"evidence": {"file": f.path},
} if {
	some mv in object.get(input, ["mlflow_registry", "versions"], [])
	some f in mv.model_files
}

# A violation about one model file: `kind` names the finding when one file can have
# several (empty: the file's key alone).
violation(mf, msg, kind, evidence) := object.union(mf.extra, {
	"msg": msg,
	"loc": mf.loc,
	"asset": mf.asset,
	"key": _key(kind, mf.key),
	"evidence": object.union(mf.evidence, evidence),
})

_key(kind, "") := kind

_key("", key) := key if key != ""

_key(kind, key) := sprintf("%s:%s", [kind, key]) if {
	kind != ""
	key != ""
}

# unused(mf): a workspace model file that nothing in the project uses: no loader call or
# path literal resolves to it, no Dockerfile COPY ships it, no DVC stage writes or reads it
# (artifacts.files[].used_by, built by the link stage only when the scan saw the whole
# project). Registry files are always in use.
unused(mf) if {
	mf.key == ""
	used := object.get(mf.file, "used_by", null)
	is_array(used)
	count(used) == 0
}

# The places that use a file, as "path:line (kind)" strings for a finding's evidence.
uses(mf) := [sprintf("%s:%v (%s)", [u.path, u.line, u.kind]) | some u in object.get(mf.file, "used_by", [])]

# Severity of a finding that only matters when the file is used: "low" when it is not.
unused_severity(mf) := {"severity": "low"} if unused(mf)

unused_severity(mf) := {} if not unused(mf)
