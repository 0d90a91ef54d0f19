package mlscan.lib.model_files

import rego.v1

pgl(module, name) := {"module": module, "name": name}

test_dangerous_module_and_submodule if {
	dangerous(pgl("os", "system"))
	dangerous(pgl("os.path", "join"))
	dangerous(pgl("subprocess", "Popen"))
}

test_dangerous_name_in_ordinary_module if {
	dangerous(pgl("builtins", "exec"))
	not dangerous(pgl("builtins", "set"))
}

test_longer_path_through_dangerous_global if {
	dangerous(pgl("builtins", "getattr.__call__"))
	dangerous(pgl("torch", "serialization.load"))
	dangerous(pgl("numpy", "testing._private.utils.os"))
}

test_dotted_path_through_a_module_object if {
	dangerous(pgl("collections", "abc.sys.modules"))
	dangerous(pgl("torch", "functional.os.system"))
	not dangerous(pgl("acme.models", "Net.Config"))
	not dangerous(pgl("acme.models", "Net.__init__"))
}

# entries added the way a user's policy folder adds them: a rule in this package
allowed_globals contains "acme_test.sub.Thing"

keras_allowed_modules contains "acme_test_layers"

test_allow_list_wins_over_module_path if {
	not dangerous(pgl("acme_test", "sub.Thing"))
	dangerous(pgl("acme_test", "other.Thing"))
}

test_unresolved_target if {
	dangerous(pgl("<dynamic>", "system"))
	dangerous(pgl("", "x"))
}

test_file_writing_gadgets if {
	dangerous(pgl("gzip", "open"))
	dangerous(pgl("pathlib", "PosixPath.write_bytes"))
	dangerous(pgl("shutil", "move"))
	dangerous(pgl("tarfile", "open"))
	dangerous(pgl("sqlite3", "connect"))
	not dangerous(pgl("pathlib", "PosixPath"))
}

test_keras_allow_list if {
	keras_foreign({"module": "os", "class_name": "system"})
	not keras_foreign({"module": "keras.layers", "class_name": "Dense"})
	not keras_foreign({"module": "keras", "class_name": "Sequential"})
	keras_foreign({"module": "kerasx", "class_name": "Dense"})
	not keras_foreign({"module": "acme_test_layers.blocks", "class_name": "Block"})
}

test_dangerous_names_sorted if {
	dangerous_names({"globals": [pgl("os", "system"), pgl("builtins", "eval"), pgl("collections", "OrderedDict")]}) == ["builtins.eval", "os.system"]
}

test_unknown_globals if {
	unknown(pgl("sklearn.linear_model._logistic", "LogisticRegression"))
	not unknown(pgl("collections", "OrderedDict"))
	not unknown(pgl("torch", "HalfStorage"))
	not unknown(pgl("os", "system"))
}
