# METADATA
# title: Model environment dependencies unpinned
# description: >-
#   Dependencies in the environment files that MLflow uses to rebuild the model's environment
#   (requirements.txt, python_env.yaml, conda.yaml beside MLmodel) are not pinned to one
#   version, so every rebuild may install a different, possibly compromised, release. One
#   finding per model, at the first unpinned dependency.
#   Also applied to the MLmodel of every model version in a live MLflow registry
#   (--mlflow-uri), reported at models:/<name>/<version>, and to the Python packages of a
#   BentoML bentofile.yaml (python.packages and the requirements_txt it names), which
#   bentoml build resolves to whatever release is current when the Bento is built.
# custom:
#   id: MLS-MOD-006
#   severity: medium
#   stride: [tampering]
#   linddun: []
#   atlas: [AML.T0010.001]
#   owasp_ml: [ML06]
#   cwe: [1357]
#   references: ["https://mlflow.org/docs/latest/model/dependencies.html", "https://pip.pypa.io/en/stable/topics/secure-installs/"]
#   remediation: >-
#     Pin every dependency with == (pip) or = (conda) to the version the model was trained with,
#     ideally with hashes (pip --require-hashes).
package mlscan.controls.model.unpinned_env

import data.mlscan.lib.mlmodels
import rego.v1

# installer tooling that MLflow itself writes with a range
tooling := {"pip", "setuptools", "wheel"}

# One finding per model: at the first unpinned dependency (requirements.txt first, the file
# MLflow's default virtualenv manager installs), naming every unpinned package.
deny contains v if {
	some mm in mlmodels.all_mlmodels
	unpinned := [dep |
		some env in mm.mlmodel.env_files
		some dep in env.dependencies
		not dep.pinned
		not lower(dep.name) in tooling
	]
	count(unpinned) > 0
	names := sort({lower(dep.name) | some dep in unpinned})
	first := unpinned[0]
	v := mlmodels.violation(
		mm,
		sprintf("%s: %d model environment dependencies are not pinned to one version: %s", [mm.dir, count(names), concat(", ", names)]),
		first.loc,
		object.union({"evidence": {"unpinned": names, "first": first.spec}}, _related(mm, unpinned)),
	)
}

# every unpinned line, for a workspace MLmodel (a registry version has no file positions)
_related(mm, unpinned) := {"related": [dep.loc | some dep in unpinned]} if not mm.registry

_related(mm, _) := {} if mm.registry

# A BentoML bentofile: the serving environment of the Bento it builds.
deny contains v if {
	some env in object.get(input, ["supply_chain", "bento_envs"], [])
	unpinned := [dep |
		some dep in env.dependencies
		not dep.pinned
		not lower(dep.name) in tooling
	]
	count(unpinned) > 0
	names := sort({lower(dep.name) | some dep in unpinned})
	v := {
		"msg": sprintf(
			"%s: %d Bento environment packages are not pinned to one version (bentoml build installs whatever release is current): %s",
			[env.path, count(names), concat(", ", names)],
		),
		"loc": unpinned[0].loc,
		"asset": env.path,
		"evidence": {"unpinned": names, "first": unpinned[0].spec},
		"related": [dep.loc | some dep in unpinned],
	}
}
