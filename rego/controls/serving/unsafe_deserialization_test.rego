package mlscan.controls.serving.unsafe_deserialization

import rego.v1

mk_call(api, kind, args) := {"serving_code": {"calls": [{
	"api": api, "kind": kind, "written": api, "arguments": args, "scope": "predict", "occurrence": 1,
	"loc": {"path": "serve/app.py", "line": 5, "col": 9},
}]}}

test_fires_on_pickle_loads if {
	vs := deny with input as mk_call("pickle.loads", "pickle", {})
	some v in vs
	contains(v.msg, "calls pickle.loads")
	v.loc.line == 5
	v.key == "pickle.loads|predict|1"
}

test_fires_on_torch_load_without_weights_only if {
	count(deny) == 1 with input as mk_call("torch.load", "torch", {"weights_only": null})
}

test_fires_on_torch_load_weights_only_false if {
	count(deny) == 1 with input as mk_call("torch.load", "torch", {"weights_only": false})
}

test_silent_on_torch_weights_only if {
	count(deny) == 0 with input as mk_call("torch.load", "torch", {"weights_only": true})
}

test_fires_on_yaml_load_without_loader if {
	count(deny) == 1 with input as mk_call("yaml.load", "yaml", {"loader": null})
}

test_fires_on_yaml_full_loader if {
	count(deny) == 1 with input as mk_call("yaml.load", "yaml", {"loader": "yaml.Loader"})
}

test_silent_on_yaml_safe_loader if {
	count(deny) == 0 with input as mk_call("yaml.load", "yaml", {"loader": "yaml.SafeLoader"})
}

test_fires_on_numpy_allow_pickle if {
	count(deny) == 1 with input as mk_call("numpy.load", "numpy", {"allow_pickle": true})
}

test_silent_on_numpy_default if {
	count(deny) == 0 with input as mk_call("numpy.load", "numpy", {"allow_pickle": null})
}

with_paths(doc, paths) := object.union(doc, {"serving": {"code_paths": paths}})

test_high_on_a_serving_path if {
	doc := with_paths(mk_call("joblib.load", "joblib", {}), [{"path": "serve/app.py", "entry": "serve/app.py", "reason": "web-app:fastapi", "via": null}])
	some v in deny with input as doc
	v.severity == "high"
	contains(v.msg, "on a serving path (web-app:fastapi)")
}

test_high_on_a_module_imported_by_the_app if {
	doc := with_paths(mk_call("joblib.load", "joblib", {}), [{"path": "serve/app.py", "entry": "api/main.py", "reason": "imported by api/main.py", "via": "api/main.py"}])
	some v in deny with input as doc
	v.severity == "high"
	contains(v.msg, "entry api/main.py")
}

test_low_outside_serving_paths if {
	doc := with_paths(mk_call("joblib.load", "joblib", {}), [{"path": "api/main.py", "entry": "api/main.py", "reason": "web-app:flask", "via": null}])
	some v in deny with input as doc
	v.severity == "low"
	contains(v.msg, "not reached from any model-server entry point")
}

test_registry_flavour_loader if {
	doc := with_paths(mk_call("mlflow.sklearn.load_model", "mlflow-pickle", {"model_uri": "models:/{}/latest"}), [{"path": "serve/app.py", "entry": "serve/app.py", "reason": "web-app:fastapi", "via": null}])
	some v in deny with input as doc
	v.severity == "high"
	contains(v.msg, "from models:/{}/latest: the flavour unpickles the model")
}

test_silent_on_flavour_loader_outside_serving_paths if {
	count(deny) == 0 with input as mk_call("mlflow.sklearn.load_model", "mlflow-pickle", {"model_uri": "dynamic"})
}
