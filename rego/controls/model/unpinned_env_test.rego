package mlscan.controls.model.unpinned_env

import rego.v1

with_deps(deps) := {"artifacts": {"mlmodels": [{"path": "m/MLmodel", "dir": "m", "env_files": [
	{"path": "m/requirements.txt", "dependencies": deps},
	{"path": "m/conda.yaml", "dependencies": [mk_dep("numpy", "numpy", false, 9)]},
]}]}}

mk_dep(name, spec, pinned, line) := {"name": name, "spec": spec, "pinned": pinned, "source": "pip", "loc": {"path": "m/requirements.txt", "line": line}}

test_fires_once_at_the_first_unpinned_dependency if {
	vs := deny with input as with_deps([mk_dep("mlflow", "mlflow==2.9.2", true, 1), mk_dep("scikit-learn", "scikit-learn>=1.3", false, 2)])
	count(vs) == 1
	some v in vs
	v.msg == "m: 2 model environment dependencies are not pinned to one version: numpy, scikit-learn"
	v.loc.line == 2
	v.asset == "m"
}

test_silent_when_everything_is_pinned if {
	count(deny) == 0 with input as {"artifacts": {"mlmodels": [{"path": "m/MLmodel", "dir": "m", "env_files": [{"path": "m/requirements.txt", "dependencies": [mk_dep("mlflow", "mlflow==2.9.2", true, 1)]}]}]}}
}

test_silent_on_pip_tooling if {
	count(deny) == 0 with input as {"artifacts": {"mlmodels": [{"path": "m/MLmodel", "dir": "m", "env_files": [{"path": "m/conda.yaml", "dependencies": [mk_dep("pip", "pip<=23.3.1", false, 5)]}]}]}}
}

reg_version(deps) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null},
	"mlmodel": {"env_files": [{"path": "models:/credit/3/requirements.txt", "dependencies": deps}]},
}]}}

test_fires_registry_unpinned if {
	vs := deny with input as reg_version([mk_dep("scikit-learn", "scikit-learn>=1.3", false, 2)])
	count(vs) == 1
	some v in vs
	v.msg == "models:/credit/3: 1 model environment dependencies are not pinned to one version: scikit-learn"
	v.logical_location == "models:/credit/3"
}

test_silent_registry_pinned if {
	count(deny) == 0 with input as reg_version([mk_dep("mlflow", "mlflow==2.9.2", true, 1)])
}

_bento(deps) := {"supply_chain": {"bento_envs": [{
	"path": "svc/bentofile.yaml", "service": "service:svc", "requirements_txt": null,
	"dependencies": deps, "loc": {"path": "svc/bentofile.yaml", "line": 6},
}]}}

_bdep(name, spec, pinned, line) := {"name": name, "spec": spec, "pinned": pinned, "source": "packages",
	"loc": {"path": "svc/bentofile.yaml", "line": line}}

test_bentofile_unpinned_packages if {
	vs := deny with input as _bento([_bdep("pandas", "pandas==2.1.0", true, 8), _bdep("lightgbm", "lightgbm", false, 9), _bdep("scikit-learn", "scikit-learn>=1.2", false, 10)])
	count(vs) == 1
	some v in vs
	v.loc.line == 9
	v.evidence.unpinned == ["lightgbm", "scikit-learn"]
}

test_bentofile_all_pinned_is_silent if {
	count(deny) == 0 with input as _bento([_bdep("lightgbm", "lightgbm==4.3.0", true, 9), _bdep("pip", "pip", false, 10)])
}
