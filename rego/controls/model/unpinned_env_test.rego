package mlscan.controls.model.unpinned_env

import rego.v1

with_deps(deps) := {"artifacts": {"mlmodels": [{"path": "m/MLmodel", "env_files": [{"path": "m/requirements.txt", "dependencies": deps}]}]}}

mk_dep(name, spec, pinned) := {"name": name, "spec": spec, "pinned": pinned, "source": "pip", "loc": {"path": "m/requirements.txt", "line": 2}}

test_fires_on_range if {
	vs := deny with input as with_deps([mk_dep("scikit-learn", "scikit-learn>=1.3", false)])
	some v in vs
	contains(v.msg, "'scikit-learn>=1.3' is not pinned")
	v.loc.line == 2
}

test_silent_on_pinned if {
	count(deny) == 0 with input as with_deps([mk_dep("mlflow", "mlflow==2.9.2", true)])
}

test_silent_on_pip_tooling if {
	count(deny) == 0 with input as with_deps([mk_dep("pip", "pip<=23.3.1", false)])
}
