package mlscan.controls.model.dangerous_imports

import rego.v1

pg(module, name) := {"module": module, "name": name, "opcodes": ["STACK_GLOBAL"], "sources": ["opcodes"], "picklescan": null}

mk_file(path, globals) := {
	"path": path, "format": "pickle", "globals": globals, "keras_objects": [], "sha256": "ab",
	"loc": {"path": path, "line": null, "col": null, "end_line": null, "end_col": null},
}

test_fires_and_names_the_import if {
	vs := deny with input as {"artifacts": {"files": [mk_file("models/m.pkl", [pg("os", "system"), pg("collections", "OrderedDict")])]}}
	some v in vs
	v.msg == "models/m.pkl imports os.system; loading this pickle model runs that code (found by: opcodes)"
	v.asset == "models/m.pkl"
}

test_names_every_import if {
	vs := deny with input as {"artifacts": {"files": [mk_file("m.pkl", [pg("os", "system"), pg("builtins", "exec")])]}}
	some v in vs
	contains(v.msg, "imports builtins.exec, os.system")
}

test_fires_on_dotted_path_through_a_module if {
	vs := deny with input as {"artifacts": {"files": [mk_file("m.pkl", [pg("torch", "serialization.os.system")])]}}
	some v in vs
	contains(v.msg, "imports torch.serialization.os.system")
}

test_fires_on_file_writing_gadget if {
	vs := deny with input as {"artifacts": {"files": [mk_file("m.pkl", [pg("pathlib", "Path.write_text")])]}}
	some v in vs
	contains(v.msg, "imports pathlib.Path.write_text")
}

test_fires_on_picklescan_rating if {
	vs := deny with input as {"artifacts": {"files": [mk_file("m.pkl", [object.union(pg("acme", "Thing"), {"picklescan": "dangerous", "sources": ["picklescan"]})])]}}
	some v in vs
	contains(v.msg, "(found by: picklescan)")
}

test_fires_on_foreign_keras_module if {
	f := object.union(mk_file("m.keras", []), {"format": "keras", "keras_objects": [
		{"module": "keras.layers", "class_name": "Dense", "registered_name": null, "at": "$"},
		{"module": "subprocess", "class_name": "run", "registered_name": null, "at": "$.config"},
	]})
	vs := deny with input as {"artifacts": {"files": [f]}}
	some v in vs
	v.key == "keras-config"
	contains(v.msg, "names subprocess.run")
}

test_silent_on_keras_builtin_modules if {
	f := object.union(mk_file("m.keras", []), {"format": "keras", "keras_objects": [
		{"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": null, "at": "$"},
		{"module": "tensorflow.keras.layers", "class_name": "Dense", "registered_name": null, "at": "$"},
	]})
	count(deny) == 0 with input as {"artifacts": {"files": [f]}}
}

test_silent_on_nested_class_qualname if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file("m.pkl", [pg("acme.models", "Net.Config")])]}}
}

test_silent_on_clean_pickle if {
	count(deny) == 0 with input as {"artifacts": {"files": [mk_file("models/m.pkl", [pg("torch._utils", "_rebuild_tensor_v2")])]}}
}

reg_version(files) := {"mlflow_registry": {"versions": [{
	"logical_location": "models:/credit/3", "loc": {"path": "models:/credit/3", "line": null, "col": null, "end_line": null, "end_col": null}, "model_files": files,
}]}}

reg_file(extra) := object.union({
	"path": "model.pkl", "logical_path": "models:/credit/3/model.pkl", "format": "pickle",
	"pickle_based": true, "globals": [], "keras_objects": [], "lambda_layers": [], "tf_file_ops": [],
	"sha256": "ab",
}, extra)

test_fires_registry_dangerous_import if {
	vs := deny with input as reg_version([reg_file({"globals": [pg("os", "system")]})])
	count(vs) == 1
	some v in vs
	v.msg == "models:/credit/3/model.pkl imports os.system; loading this pickle model runs that code"
	v.logical_location == "models:/credit/3"
	v.key == "model.pkl"
}

test_silent_registry_clean_pickle if {
	count(deny) == 0 with input as reg_version([reg_file({})])
}

test_fires_registry_foreign_keras_module if {
	f := reg_file({"path": "model.keras", "logical_path": "models:/credit/3/model.keras", "format": "keras", "keras_objects": [{"module": "os", "class_name": "system", "registered_name": null, "at": "$"}]})
	vs := deny with input as reg_version([f])
	count(vs) == 1
	some v in vs
	v.key == "keras-config:model.keras"
	contains(v.msg, "names os.system, outside keras/tensorflow")
}
