# Classification of what model files name: the pickle globals a stream imports, and the
# Python modules a Keras config points at. Collectors record what they saw (module, name,
# opcode, engines); the controls decide here.
#
# A user's --policy folder extends these tables by adding rules to this same package, e.g.
#
#   package mlscan.lib.model_files
#   import rego.v1
#   dangerous_globals contains "acme.hooks.run_startup"
#   dangerous_modules contains "acme.remote"
#   allowed_globals contains "acme.models.Net.Inner"     # a dotted path that is fine
#   keras_allowed_modules contains "acme_layers"
#
# The JSON object between the BEGIN and END lines is also read by the pickle walker
# (mlscan/collectors/artifacts/globals.py) to decide how deep to analyse a stream; keep it
# plain JSON (double quotes, no trailing commas).
package mlscan.lib.model_files

import rego.v1

# BEGIN builtin_table
builtin_table := {
	"dangerous_modules": [
		"_aix_support", "_ctypes", "_osx_support", "_pickle", "_posixsubprocess", "_pyrepl",
		"_socket", "_sqlite3", "aiohttp", "asyncio", "bdb", "cPickle", "cProfile", "code",
		"codeop", "commands", "ctypes", "dbm", "dill", "distutils", "ensurepip", "fileinput",
		"ftplib", "http", "httplib", "imp", "importlib", "keras.utils.get_file", "mailbox",
		"marshal", "multiprocessing", "nt", "numpy.distutils", "numpy.f2py", "numpy.testing",
		"os", "pdb", "pickle", "pip", "pkgutil", "posix", "profile", "pty", "pydoc", "requests",
		"runpy", "setuptools", "shelve", "shutil", "signal", "smtplib", "socket", "sqlite3",
		"ssl", "subprocess", "sys", "tarfile", "telnetlib", "tensorflow.io", "timeit",
		"torch._dynamo", "torch._inductor", "torch.hub", "torch.jit",
		"torch.utils.cpp_extension", "urllib", "venv", "webbrowser", "xmlrpc", "zipfile",
		"zipimport"
	],
	"dangerous_globals": [
		"__builtin__.__import__", "__builtin__.apply", "__builtin__.breakpoint",
		"__builtin__.compile", "__builtin__.delattr", "__builtin__.eval", "__builtin__.exec",
		"__builtin__.execfile", "__builtin__.exit", "__builtin__.getattr",
		"__builtin__.globals", "__builtin__.help", "__builtin__.input", "__builtin__.locals",
		"__builtin__.open", "__builtin__.quit", "__builtin__.reload", "__builtin__.setattr",
		"__builtin__.vars", "__builtins__.__import__", "__builtins__.apply",
		"__builtins__.breakpoint", "__builtins__.compile", "__builtins__.delattr",
		"__builtins__.eval", "__builtins__.exec", "__builtins__.execfile", "__builtins__.exit",
		"__builtins__.getattr", "__builtins__.globals", "__builtins__.help",
		"__builtins__.input", "__builtins__.locals", "__builtins__.open", "__builtins__.quit",
		"__builtins__.reload", "__builtins__.setattr", "__builtins__.vars",
		"_functools.partial", "_functools.reduce", "_io.BufferedReader", "_io.BufferedWriter",
		"_io.FileIO", "_io.TextIOWrapper", "_io.open", "_io.open_code", "_operator.attrgetter",
		"_operator.itemgetter", "_operator.methodcaller", "builtins.__import__",
		"builtins.apply", "builtins.breakpoint", "builtins.compile", "builtins.delattr",
		"builtins.eval", "builtins.exec", "builtins.execfile", "builtins.exit",
		"builtins.getattr", "builtins.globals", "builtins.help", "builtins.input",
		"builtins.locals", "builtins.open", "builtins.quit", "builtins.reload",
		"builtins.setattr", "builtins.vars", "bz2.BZ2File", "bz2.open",
		"cloudpickle.cloudpickle._builtin_type", "cloudpickle.cloudpickle._function_setstate",
		"cloudpickle.cloudpickle._make_cell", "cloudpickle.cloudpickle._make_empty_cell",
		"cloudpickle.cloudpickle._make_function",
		"cloudpickle.cloudpickle._make_skeleton_class",
		"cloudpickle.cloudpickle.dynamic_subimport", "cloudpickle.cloudpickle.subimport",
		"cloudpickle.load", "cloudpickle.loads", "codecs.EncodedFile", "codecs.open",
		"copyreg.add_extension", "functools.partial", "functools.partialmethod",
		"functools.reduce", "glob.glob", "glob.iglob", "gzip.GzipFile", "gzip.open",
		"inspect.getfile", "inspect.getsource", "io.BufferedReader", "io.BufferedWriter",
		"io.FileIO", "io.TextIOWrapper", "io.open", "io.open_code", "joblib.dump",
		"joblib.load", "joblib.numpy_pickle.load", "keras.utils.get_file", "linecache.getline",
		"linecache.getlines", "linecache.updatecache", "logging.FileHandler",
		"logging.basicConfig", "logging.config", "logging.handlers", "lzma.LZMAFile",
		"lzma.open", "numpy.fromfile", "numpy.genfromtxt", "numpy.lib.format.open_memmap",
		"numpy.lib.npyio", "numpy.load", "numpy.loadtxt", "numpy.memmap",
		"numpy.ndarray.tofile", "numpy.save", "numpy.savetxt", "numpy.savez", "numpy.tofile",
		"operator.attrgetter", "operator.itemgetter", "operator.methodcaller",
		"pandas.DataFrame.to_csv", "pandas.DataFrame.to_pickle", "pandas.eval",
		"pandas.io.pickle.read_pickle", "pandas.read_csv", "pandas.read_pickle",
		"pandas.to_pickle", "pathlib.Path.chmod", "pathlib.Path.expanduser",
		"pathlib.Path.glob", "pathlib.Path.hardlink_to", "pathlib.Path.iterdir",
		"pathlib.Path.lchmod", "pathlib.Path.link_to", "pathlib.Path.mkdir",
		"pathlib.Path.open", "pathlib.Path.read_bytes", "pathlib.Path.read_text",
		"pathlib.Path.rename", "pathlib.Path.replace", "pathlib.Path.rglob",
		"pathlib.Path.rmdir", "pathlib.Path.symlink_to", "pathlib.Path.touch",
		"pathlib.Path.unlink", "pathlib.Path.write_bytes", "pathlib.Path.write_text",
		"pathlib.PosixPath.chmod", "pathlib.PosixPath.expanduser", "pathlib.PosixPath.glob",
		"pathlib.PosixPath.hardlink_to", "pathlib.PosixPath.iterdir",
		"pathlib.PosixPath.lchmod", "pathlib.PosixPath.link_to", "pathlib.PosixPath.mkdir",
		"pathlib.PosixPath.open", "pathlib.PosixPath.read_bytes", "pathlib.PosixPath.read_text",
		"pathlib.PosixPath.rename", "pathlib.PosixPath.replace", "pathlib.PosixPath.rglob",
		"pathlib.PosixPath.rmdir", "pathlib.PosixPath.symlink_to", "pathlib.PosixPath.touch",
		"pathlib.PosixPath.unlink", "pathlib.PosixPath.write_bytes",
		"pathlib.PosixPath.write_text", "pathlib.WindowsPath.chmod",
		"pathlib.WindowsPath.expanduser", "pathlib.WindowsPath.glob",
		"pathlib.WindowsPath.hardlink_to", "pathlib.WindowsPath.iterdir",
		"pathlib.WindowsPath.lchmod", "pathlib.WindowsPath.link_to",
		"pathlib.WindowsPath.mkdir", "pathlib.WindowsPath.open",
		"pathlib.WindowsPath.read_bytes", "pathlib.WindowsPath.read_text",
		"pathlib.WindowsPath.rename", "pathlib.WindowsPath.replace",
		"pathlib.WindowsPath.rglob", "pathlib.WindowsPath.rmdir",
		"pathlib.WindowsPath.symlink_to", "pathlib.WindowsPath.touch",
		"pathlib.WindowsPath.unlink", "pathlib.WindowsPath.write_bytes",
		"pathlib.WindowsPath.write_text", "pickle.dump", "tempfile.NamedTemporaryFile",
		"tempfile.SpooledTemporaryFile", "tempfile.TemporaryDirectory",
		"tempfile.TemporaryFile", "tempfile.mkdtemp", "tempfile.mkstemp", "torch.compile",
		"torch.load", "torch.save", "torch.serialization._load", "torch.serialization.load",
		"types.CodeType", "types.FunctionType", "types.LambdaType", "types.MethodType",
		"types.ModuleType", "uuid._get_command_stdout", "yaml.full_load", "yaml.load",
		"yaml.load_all", "yaml.unsafe_load", "yaml.unsafe_load_all"
	],
	"safe_globals": [
		"__builtin__.bool", "__builtin__.bytearray", "__builtin__.bytes", "__builtin__.complex",
		"__builtin__.dict", "__builtin__.float", "__builtin__.frozenset", "__builtin__.int",
		"__builtin__.list", "__builtin__.long", "__builtin__.object", "__builtin__.range",
		"__builtin__.set", "__builtin__.slice", "__builtin__.str", "__builtin__.tuple",
		"__builtin__.unicode", "__builtin__.xrange", "__builtins__.bool",
		"__builtins__.bytearray", "__builtins__.bytes", "__builtins__.complex",
		"__builtins__.dict", "__builtins__.float", "__builtins__.frozenset", "__builtins__.int",
		"__builtins__.list", "__builtins__.long", "__builtins__.object", "__builtins__.range",
		"__builtins__.set", "__builtins__.slice", "__builtins__.str", "__builtins__.tuple",
		"__builtins__.unicode", "__builtins__.xrange", "_codecs.encode", "builtins.bool",
		"builtins.bytearray", "builtins.bytes", "builtins.complex", "builtins.dict",
		"builtins.float", "builtins.frozenset", "builtins.int", "builtins.list",
		"builtins.long", "builtins.object", "builtins.range", "builtins.set", "builtins.slice",
		"builtins.str", "builtins.tuple", "builtins.unicode", "builtins.xrange",
		"collections.Counter", "collections.OrderedDict", "collections.defaultdict",
		"collections.deque", "copy_reg._reconstructor", "copyreg._reconstructor",
		"datetime.date", "datetime.datetime", "datetime.time", "datetime.timedelta",
		"datetime.timezone", "decimal.Decimal", "fractions.Fraction",
		"joblib.numpy_pickle.NDArrayWrapper", "joblib.numpy_pickle.NumpyArrayWrapper",
		"numpy._core.multiarray._reconstruct", "numpy._core.multiarray.scalar",
		"numpy._core.numeric._frombuffer", "numpy.bool_", "numpy.core.multiarray._reconstruct",
		"numpy.core.multiarray.scalar", "numpy.core.numeric._frombuffer", "numpy.dtype",
		"numpy.dtypes.BoolDType", "numpy.dtypes.Float16DType", "numpy.dtypes.Float32DType",
		"numpy.dtypes.Float64DType", "numpy.dtypes.Int32DType", "numpy.dtypes.Int64DType",
		"numpy.dtypes.Int8DType", "numpy.dtypes.UInt8DType", "numpy.float32", "numpy.float64",
		"numpy.int32", "numpy.int64", "numpy.ndarray", "torch.Size", "torch.Tensor",
		"torch._tensor._rebuild_from_type_v2", "torch._utils._rebuild_parameter",
		"torch._utils._rebuild_parameter_with_state", "torch._utils._rebuild_qtensor",
		"torch._utils._rebuild_sparse_tensor", "torch._utils._rebuild_tensor",
		"torch._utils._rebuild_tensor_v2", "torch.bfloat16", "torch.bool", "torch.device",
		"torch.dtype", "torch.float16", "torch.float32", "torch.float64", "torch.int32",
		"torch.int64", "torch.int8", "torch.uint8", "uuid.UUID"
	],
	"allowed_dotted": [
		"torch.jit._pickle.build_boollist", "torch.jit._pickle.build_doublelist",
		"torch.jit._pickle.build_intlist", "torch.jit._pickle.build_tensor_from_id",
		"torch.jit._pickle.build_tensorlist", "torch.jit._pickle.restore_type_tag"
	],
	"keras_allowed_modules": [
		"keras", "tensorflow", "tf_keras"
	]
}
# END builtin_table

# Every attribute of these modules (and of their submodules) is dangerous.
dangerous_modules contains m if some m in builtin_table.dangerous_modules

# Dangerous "module.name" paths in otherwise ordinary modules (a longer path through one of
# them is dangerous too: "builtins.getattr.__call__").
dangerous_globals contains g if some g in builtin_table.dangerous_globals

# Globals every ordinary checkpoint needs (tensor and array rebuilders, containers).
safe_globals contains g if some g in builtin_table.safe_globals

# Globals known to be harmless although a broader rule above would flag them (a dotted path
# through a module object, or TorchScript's list rebuilders inside torch.jit).
allowed_globals contains g if some g in builtin_table.allowed_dotted

# Module prefixes a Keras config.json / model_config may name.
keras_allowed_modules contains m if some m in builtin_table.keras_allowed_modules

# "module.name" of a recorded global.
dotted(g) := concat(".", [g.module, g.name])

# dangerous(g): g ({"module", "name", ...}) reaches a dangerous callable.
dangerous(g) if {
	not allowed(g)
	_dangerous_path(g)
}

# picklescan's own denylist said so (its evidence is kept as a fact)
dangerous(g) if {
	not allowed(g)
	g.picklescan == "dangerous"
}

allowed(g) if dotted(g) in allowed_globals

# the import target could not be resolved statically (STACK_GLOBAL of a computed value)
_dangerous_path(g) if startswith(g.module, "<")

_dangerous_path(g) if startswith(g.name, "<")

_dangerous_path(g) if g.module == ""

# any prefix of the whole attribute path is a dangerous module ("numpy.testing._private...")
_dangerous_path(g) if {
	parts := split(dotted(g), ".")
	some k in numbers.range(1, count(parts) - 1)
	concat(".", array.slice(parts, 0, k)) in dangerous_modules
}

# any prefix of the path (at least module.name) is a dangerous global
_dangerous_path(g) if {
	parts := split(dotted(g), ".")
	some k in numbers.range(2, count(parts))
	concat(".", array.slice(parts, 0, k)) in dangerous_globals
}

# From protocol 4 find_class resolves "a.b.c" attribute by attribute: a dotted name whose
# inner segment is not a class name (lower case, not a dunder) passes through a module
# object ("torch.os.system", "numpy.core.builtins.exec").
_dangerous_path(g) if {
	parts := split(g.name, ".")
	count(parts) > 1
	some seg in array.slice(parts, 0, count(parts) - 1)
	_module_like(seg)
}

_module_like(seg) if {
	regex.match(`^[a-z_]`, seg)
	not regex.match(`^__.*__$`, seg)
}

# unknown(g): neither dangerous nor a known-safe global (model classes, third-party code);
# loading still runs its code. For policies that want an allow-list of model classes.
unknown(g) if {
	not dangerous(g)
	not dotted(g) in safe_globals
	not _torch_storage(g)
}

_torch_storage(g) if {
	g.module == "torch"
	endswith(g.name, "Storage")
}

# The recorded globals of a file that are dangerous, as sorted "module.name" strings.
dangerous_names(file) := sort([dotted(g) | some g in file.globals; dangerous(g)])

# A Keras object reference ({"module", "class_name", "registered_name", "key"}) whose module
# is outside the allow-list.
keras_foreign(obj) if {
	obj.module != null
	not _keras_allowed(obj.module)
}

_keras_allowed(module) if {
	some prefix in keras_allowed_modules
	_under(module, prefix)
}

_under(module, prefix) if module == prefix

_under(module, prefix) if startswith(module, concat("", [prefix, "."]))

# Foreign Keras references of a file, as sorted "module.class_name" strings.
keras_foreign_names(file) := sort([concat(".", [o.module, o.class_name]) |
	some o in object.get(file, "keras_objects", [])
	keras_foreign(o)
])
