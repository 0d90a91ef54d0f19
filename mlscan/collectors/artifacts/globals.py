"""Classification of the globals a pickle stream imports: dangerous, safe or unknown.

A pickle can import any ``module.name`` and call it (REDUCE, INST, OBJ, NEWOBJ, BUILD
with ``__setstate__``). What makes a file dangerous is *which* callables it can reach.
The tables below are data, not code paths; tests pin the entries that matter.

* ``dangerous``: process execution, code evaluation, dynamic import / attribute access,
  file-system or network access, nested deserialisation.
* ``safe``: the handful of globals every ordinary checkpoint needs (tensor and array
  rebuilders, containers, builtin value types).
* ``unknown``: anything else (model classes, third-party code). Loading such a file
  still runs that code, which is why a pickle-based format is a finding on its own.
"""

from __future__ import annotations

from typing import Literal

Classification = Literal["dangerous", "unknown", "safe"]

# Every attribute of these modules (and their submodules) is dangerous.
DANGEROUS_MODULES: frozenset[str] = frozenset({
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "socket",
    "_socket", "ssl", "runpy", "webbrowser", "shutil", "pty", "pickle", "_pickle", "cPickle",
    "dill", "marshal", "ctypes", "_ctypes", "importlib", "imp", "code", "codeop", "commands",
    "asyncio", "multiprocessing", "requests", "urllib", "http", "httplib", "ftplib", "smtplib",
    "telnetlib", "xmlrpc", "pdb", "bdb", "timeit", "profile", "cProfile", "pydoc", "pip",
    "venv", "ensurepip", "signal", "aiohttp", "pkgutil", "zipimport", "_osx_support",
    "_aix_support", "_pyrepl", "distutils", "setuptools", "numpy.f2py", "numpy.distutils",
    "numpy.testing", "torch.hub", "torch.jit", "torch._dynamo", "torch._inductor",
    "torch.utils.cpp_extension", "tensorflow.io", "keras.utils.get_file",
})

_BUILTIN_MODULES = ("builtins", "__builtin__", "__builtins__")

# Specific names that are dangerous in otherwise ordinary modules.
DANGEROUS_NAMES: dict[str, frozenset[str]] = {
    **{m: frozenset({
        "eval", "exec", "execfile", "compile", "open", "getattr", "setattr", "delattr",
        "__import__", "globals", "locals", "vars", "input", "breakpoint", "apply",
        "help", "exit", "quit", "reload",
    }) for m in _BUILTIN_MODULES},
    "operator": frozenset({"attrgetter", "itemgetter", "methodcaller"}),
    "_operator": frozenset({"attrgetter", "itemgetter", "methodcaller"}),
    "functools": frozenset({"partial", "reduce", "partialmethod"}),
    "_functools": frozenset({"partial", "reduce"}),
    "types": frozenset({"CodeType", "FunctionType", "LambdaType", "MethodType", "ModuleType"}),
    "io": frozenset({"open", "FileIO", "open_code"}),
    "_io": frozenset({"open", "FileIO", "open_code"}),
    "logging": frozenset({"FileHandler"}),
    "tempfile": frozenset({"NamedTemporaryFile", "TemporaryFile", "mkstemp", "mkdtemp"}),
    "glob": frozenset({"glob", "iglob"}),
    "uuid": frozenset({"_get_command_stdout"}),
    "torch": frozenset({"load", "compile"}),
    "torch.serialization": frozenset({"load", "_load"}),
    "numpy": frozenset({"load", "fromfile"}),
    "pandas": frozenset({"read_pickle", "eval"}),
    "pandas.io.pickle": frozenset({"read_pickle"}),
    "joblib": frozenset({"load"}),
    "joblib.numpy_pickle": frozenset({"load"}),
    "yaml": frozenset({"load", "unsafe_load", "full_load", "load_all", "unsafe_load_all"}),
    "cloudpickle": frozenset({"loads", "load"}),
    "cloudpickle.cloudpickle": frozenset({
        "_builtin_type", "_make_function", "_function_setstate", "_make_cell",
        "_make_empty_cell", "subimport", "_make_skeleton_class", "dynamic_subimport",
    }),
    "copyreg": frozenset({"add_extension"}),
    "linecache": frozenset({"getline", "getlines", "updatecache"}),
    "inspect": frozenset({"getsource", "getfile"}),
}

SAFE_NAMES: dict[str, frozenset[str]] = {
    **{m: frozenset({
        "set", "frozenset", "slice", "complex", "bytearray", "bytes", "dict", "list", "tuple",
        "int", "float", "str", "bool", "range", "object", "xrange", "unicode", "long",
    }) for m in _BUILTIN_MODULES},
    "collections": frozenset({"OrderedDict", "defaultdict", "Counter", "deque"}),
    "copyreg": frozenset({"_reconstructor"}),
    "copy_reg": frozenset({"_reconstructor"}),
    "_codecs": frozenset({"encode"}),
    "numpy": frozenset({"ndarray", "dtype", "float64", "float32", "int64", "int32", "bool_"}),
    "numpy.core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy._core.multiarray": frozenset({"_reconstruct", "scalar"}),
    "numpy.core.numeric": frozenset({"_frombuffer"}),
    "numpy._core.numeric": frozenset({"_frombuffer"}),
    "numpy.dtypes": frozenset({
        "Float64DType", "Float32DType", "Float16DType", "Int64DType", "Int32DType",
        "Int8DType", "UInt8DType", "BoolDType",
    }),
    "torch._utils": frozenset({
        "_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_parameter",
        "_rebuild_parameter_with_state", "_rebuild_qtensor", "_rebuild_sparse_tensor",
    }),
    "torch": frozenset({
        "Size", "device", "dtype", "float32", "float16", "bfloat16", "float64", "int64",
        "int32", "int8", "uint8", "bool", "Tensor",
    }),
    "torch._tensor": frozenset({"_rebuild_from_type_v2"}),
    "joblib.numpy_pickle": frozenset({"NumpyArrayWrapper", "NDArrayWrapper"}),
    "datetime": frozenset({"datetime", "date", "time", "timedelta", "timezone"}),
    "decimal": frozenset({"Decimal"}),
    "fractions": frozenset({"Fraction"}),
    "uuid": frozenset({"UUID"}),
}


def classify(module: str, name: str) -> Classification:
    """``dangerous`` | ``safe`` | ``unknown`` for ``module.name``."""
    if not module or not name or module.startswith("<") or name.startswith("<"):
        return "dangerous"  # the import target could not be determined statically
    if name in DANGEROUS_NAMES.get(module, frozenset()):
        return "dangerous"
    # getattr-style dotted names: "Popen.__init__" or nested qualified names
    head = name.split(".", 1)[0]
    if head != name and head in DANGEROUS_NAMES.get(module, frozenset()):
        return "dangerous"
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        if ".".join(parts[:i]) in DANGEROUS_MODULES:
            return "dangerous"
    if module == "torch" and name.endswith("Storage"):
        return "safe"
    if name in SAFE_NAMES.get(module, frozenset()):
        return "safe"
    return "unknown"
