"""A corpus of pickle-based model files, written byte by byte from opcodes.

Nothing here pickles a callable: every sample is assembled from raw opcodes so that the
corpus is exact, deterministic and independent of the Python version that builds it.
The malicious samples carry harmless payloads (``echo``/``touch`` of a marker file); the
test suite scans them and checks that the marker never appears.

Write the corpus to a folder (for the benchmark or for manual inspection)::

    python -m tests.pickle_corpus tests/fixtures/pickles

The generated binaries are git-ignored (see tests/fixtures/pickles/.gitignore).
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

# ----------------------------------------------------------------------------- opcodes
MARK = b"("
STOP = b"."
TUPLE = b"t"
TUPLE1 = b"\x85"
TUPLE2 = b"\x86"
TUPLE3 = b"\x87"
EMPTY_TUPLE = b")"
EMPTY_DICT = b"}"
EMPTY_LIST = b"]"
SETITEMS = b"u"
SETITEM = b"s"
APPENDS = b"e"
REDUCE = b"R"
BUILD = b"b"
NEWOBJ = b"\x81"
STACK_GLOBAL = b"\x93"
MEMOIZE = b"\x94"
NONE = b"N"
NEWTRUE = b"\x88"
POP = b"0"
BINPERSID = b"Q"


def proto(n: int) -> bytes:
    return b"\x80" + bytes([n])


def frame(body: bytes) -> bytes:
    """A protocol-4+ FRAME opcode covering ``body``."""
    return b"\x95" + struct.pack("<Q", len(body)) + body


def global_(module: str, name: str) -> bytes:
    """GLOBAL (protocols 0-3): ``c<module>\\n<name>\\n``."""
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def inst(module: str, name: str) -> bytes:
    """INST (protocol 0): builds ``module.name(*args)`` from the items above the MARK."""
    return b"i" + module.encode() + b"\n" + name.encode() + b"\n"


def string0(s: str) -> bytes:
    """STRING (protocol 0): a repr-quoted string on one line."""
    return b"S" + repr(s).encode() + b"\n"


def unicode0(s: str) -> bytes:
    """UNICODE (protocol 0): raw-unicode-escape text up to the newline."""
    return b"V" + s.encode("raw-unicode-escape") + b"\n"


def binunicode(s: str) -> bytes:
    data = s.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def sbu(s: str) -> bytes:
    """SHORT_BINUNICODE (protocol 4+)."""
    data = s.encode()
    assert len(data) < 256
    return b"\x8c" + bytes([len(data)]) + data


def binbytes(data: bytes) -> bytes:
    if len(data) < 256:
        return b"C" + bytes([len(data)]) + data
    return b"B" + struct.pack("<I", len(data)) + data


def binint1(n: int) -> bytes:
    return b"K" + bytes([n])


def binint(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def binfloat(x: float) -> bytes:
    return b"G" + struct.pack(">d", x)


def binput(i: int) -> bytes:
    return b"q" + bytes([i])


def binget(i: int) -> bytes:
    return b"h" + bytes([i])


def long1(n: int) -> bytes:
    raw = n.to_bytes((n.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(raw)]) + raw


# ----------------------------------------------------------------------------- samples
@dataclass(frozen=True, kw_only=True)
class Sample:
    name: str
    filename: str
    data: bytes
    malicious: bool
    # dangerous imports a correct scanner reports, as "module.name"
    dangerous: frozenset[str] = field(default_factory=frozenset)
    note: str = ""


def call_p0(module: str, name: str, *args: str) -> bytes:
    """``module.name(*args)`` in protocol 0 (GLOBAL + MARK + STRINGs + TUPLE + REDUCE)."""
    return global_(module, name) + MARK + b"".join(string0(a) for a in args) + TUPLE + REDUCE


def call_p2(module: str, name: str, *args: str) -> bytes:
    """``module.name(*args)`` in protocol 2 (GLOBAL + BINUNICODE + TUPLEn + REDUCE)."""
    tup = {0: EMPTY_TUPLE, 1: TUPLE1, 2: TUPLE2, 3: TUPLE3}[len(args)]
    return global_(module, name) + b"".join(binunicode(a) for a in args) + tup + REDUCE


def stack_global(module: str, name: str) -> bytes:
    """STACK_GLOBAL with both names memoized, the way CPython's pickler writes it."""
    return sbu(module) + MEMOIZE + sbu(name) + MEMOIZE + STACK_GLOBAL + MEMOIZE


def call_p4(module: str, name: str, *args: str) -> bytes:
    tup = {0: EMPTY_TUPLE, 1: TUPLE1, 2: TUPLE2, 3: TUPLE3}[len(args)]
    return (stack_global(module, name) + b"".join(sbu(a) + MEMOIZE for a in args) + tup
            + MEMOIZE + REDUCE + MEMOIZE)


def p0(body: bytes) -> bytes:
    return body + STOP


def p2(body: bytes) -> bytes:
    return proto(2) + body + STOP


def p4(body: bytes, version: int = 4) -> bytes:
    return proto(version) + frame(body + STOP)


def os_system_payload(command: str) -> dict[str, bytes]:
    """The same ``os.system(command)`` in several protocols (for the marker tests)."""
    return {
        "p0": p0(call_p0("os", "system", command)),
        "p2": p2(call_p2("posix", "system", command)),
        "p4": p4(call_p4("os", "system", command)),
    }


def exec_payload(code: str) -> bytes:
    """``builtins.exec(code)`` in protocol 2."""
    return p2(call_p2("builtins", "exec", code))


def torch_zip(data_pkl: bytes, *, root: str = "archive", storages: int = 1) -> bytes:
    """A PyTorch >= 1.6 checkpoint: a zip with ``<root>/data.pkl`` and tensor storages."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{root}/data.pkl", data_pkl)
        zf.writestr(f"{root}/byteorder", b"little")
        for i in range(storages):
            zf.writestr(f"{root}/data/{i}", struct.pack("<4f", 1.0, 2.0, 3.0, 4.0))
        zf.writestr(f"{root}/version", b"3\n")
        zf.writestr(f"{root}/.data/serialization_id", b"0123456789")
    return buf.getvalue()


def torch_state_dict_pkl() -> bytes:
    """``OrderedDict(weight=_rebuild_tensor_v2(storage, 0, (4,), (1,), False, OrderedDict()))``."""
    storage = (
        MARK + sbu("storage") + MEMOIZE + stack_global("torch", "FloatStorage")
        + sbu("0") + MEMOIZE + sbu("cpu") + MEMOIZE + binint1(4) + TUPLE + MEMOIZE + BINPERSID
    )
    tensor = (
        stack_global("torch._utils", "_rebuild_tensor_v2")
        + MARK + storage + binint1(0) + binint1(4) + TUPLE1 + binint1(1) + TUPLE1
        + b"\x89" + stack_global("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE
        + TUPLE + REDUCE + MEMOIZE
    )
    body = (
        stack_global("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + MEMOIZE
        + sbu("weight") + MEMOIZE + tensor + SETITEM
    )
    return p4(body)


def torch_legacy(model_pkl: bytes) -> bytes:
    """Legacy (pre-1.6) torch.save: magic number, protocol, sys_info, model, storage keys."""
    magic = proto(2) + long1(0x1950A86A20F9469CFC6C) + STOP
    protocol = proto(2) + binint(1001) + STOP
    sys_info = (
        proto(2) + EMPTY_DICT + MARK + binunicode("protocol_version") + binint(1001)
        + binunicode("little_endian") + NEWTRUE + SETITEMS + STOP
    )
    keys = proto(2) + EMPTY_LIST + MARK + binunicode("0") + APPENDS + STOP
    return magic + protocol + sys_info + model_pkl + keys


def npy(header_dict: str, payload: bytes) -> bytes:
    """A .npy file, format version 1.0."""
    header = header_dict.encode("latin1")
    pad = 64 - ((10 + len(header) + 1) % 64)
    header = header + b" " * pad + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def npz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in sorted(members.items()):
            zf.writestr(name, data)
    return buf.getvalue()


def numpy_array_pkl(version: int = 2) -> bytes:
    """``numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')`` + BUILD state."""
    state = (
        MARK + binint1(1) + binint1(3) + TUPLE1 + global_("numpy", "dtype")
        + binunicode("f8") + binint1(0) + binint1(1) + TUPLE3 + REDUCE
        + MARK + binint1(3) + binunicode("<") + NONE + NONE + NONE + binint(-1) + binint(-1)
        + binint1(0) + TUPLE + BUILD
        + b"\x89" + binbytes(struct.pack("<3d", 1.0, 2.0, 3.0)) + TUPLE + BUILD
    )
    body = (
        global_("numpy.core.multiarray", "_reconstruct") + global_("numpy", "ndarray")
        + binint1(0) + TUPLE1 + binbytes(b"b") + TUPLE3 + REDUCE + state
    )
    return proto(version) + body + STOP


def sklearn_like_pkl() -> bytes:
    """A fitted estimator: ``LogisticRegression.__new__`` + BUILD(state dict)."""
    state = (
        EMPTY_DICT + MARK + binunicode("C") + binfloat(1.0) + binunicode("max_iter")
        + binint1(100) + binunicode("coef_") + numpy_array_pkl()[2:-1]
        + binunicode("_sklearn_version") + binunicode("1.5.0") + SETITEMS
    )
    body = (
        global_("sklearn.linear_model._logistic", "LogisticRegression") + EMPTY_TUPLE
        + NEWOBJ + state + BUILD
    )
    return p2(body)


def joblib_like(inner: bytes, after: bytes = b"") -> bytes:
    """A joblib dump: arrays are NumpyArrayWrapper objects, each followed *inside the
    stream* by a padding-length byte, 0xff padding and the raw array bytes (what joblib's
    NumpyPickler writes right after the wrapper's BUILD); ``after`` is pickled after it."""
    wrapper = (
        global_("joblib.numpy_pickle", "NumpyArrayWrapper") + EMPTY_TUPLE + NEWOBJ
        + EMPTY_DICT + MARK + binunicode("subclass") + global_("numpy", "ndarray")
        + binunicode("shape") + binint1(3) + TUPLE1 + binunicode("order") + binunicode("C")
        + binunicode("dtype") + global_("numpy", "dtype") + binunicode("f8") + binint1(0)
        + binint1(1) + TUPLE3 + REDUCE + binunicode("allow_mmap") + NEWTRUE
        + binunicode("numpy_array_alignment_bytes") + binint1(16)
        + SETITEMS + BUILD
    )
    array = b"\x07" + b"\xff" * 7 + struct.pack("<3d", 1.0, 2.0, 3.0)
    body = (EMPTY_DICT + MARK + binunicode("model") + inner + binunicode("weights") + wrapper
            + array + binunicode("extra") + (after or NONE) + SETITEMS)
    return p2(body)


def memo_hidden() -> bytes:
    """The module and attribute names are memoized inside a harmless-looking list long before
    STACK_GLOBAL fetches them back with BINGET, so the names never sit next to the import."""
    body = (
        EMPTY_LIST + binput(0) + MARK + sbu("o" + "s") + binput(1) + sbu("sys" + "tem")
        + binput(2) + sbu("label") + binput(3) + APPENDS + POP
        + EMPTY_DICT + MARK + sbu("lr") + binfloat(0.01) + SETITEMS + POP
        + binget(1) + binget(2) + STACK_GLOBAL + binput(4)
        + sbu("echo memo") + TUPLE1 + REDUCE
    )
    return p4(body)


def memo_hidden_deep() -> bytes:
    """As ``memo_hidden`` but the names are built by BINGET of BINGET (memo of memo)."""
    body = (
        sbu("subprocess") + binput(10) + POP + binget(10) + binput(11) + POP
        + sbu("check_output") + binput(12) + POP
        + binget(11) + binget(12) + STACK_GLOBAL
        + sbu("id") + TUPLE1 + TUPLE1 + REDUCE
    )
    return p4(body, 5)


def getattr_chain() -> bytes:
    """``getattr(__import__('os'), 'system')('echo getattr')`` with builtins only."""
    body = (
        global_("builtins", "getattr")
        + global_("builtins", "__import__") + binunicode("os") + TUPLE1 + REDUCE
        + binunicode("system") + TUPLE2 + REDUCE
        + binunicode("echo getattr") + TUPLE1 + REDUCE
    )
    return p2(body)


def import_only() -> bytes:
    """``builtins.__import__('os')`` - no other dangerous name appears."""
    return p2(global_("builtins", "__import__") + binunicode("os") + TUPLE1 + REDUCE)


def attrgetter_chain() -> bytes:
    """``operator.attrgetter('system')(importlib.import_module('os'))('echo attrgetter')``."""
    body = (
        stack_global("operator", "attrgetter") + sbu("system") + TUPLE1 + REDUCE
        + stack_global("importlib", "import_module") + sbu("os") + TUPLE1 + REDUCE
        + TUPLE1 + REDUCE + sbu("echo attrgetter") + TUPLE1 + REDUCE
    )
    return p4(body)


def partial_eval() -> bytes:
    """``functools.partial(builtins.eval, '1+1')()``."""
    body = (
        stack_global("functools", "partial") + stack_global("builtins", "eval")
        + sbu("1+1") + TUPLE2 + REDUCE + EMPTY_TUPLE + REDUCE
    )
    return p4(body)


def nested_pickle() -> bytes:
    """``pickle.loads(<inner pickle calling os.system>)``."""
    inner = p2(call_p2("os", "system", "echo nested"))
    body = stack_global("pickle", "loads") + binbytes(inner) + TUPLE1 + REDUCE
    return p4(body)


def inst_opcode() -> bytes:
    """``INST os system`` - protocol 0's other way to import and call in one opcode."""
    return MARK + string0("echo inst") + inst("os", "system") + STOP


def plain_dict(version: int) -> bytes:
    items = (
        binunicode("n_estimators") + binint1(100) + binunicode("learning_rate") + binfloat(0.1)
        + binunicode("classes") + EMPTY_LIST + MARK + binint1(0) + binint1(1) + APPENDS
    )
    if version == 0:
        return b"(dp0\nVn_estimators\np1\nI100\nsVclasses\np2\n(lp3\nI0\naI1\nas."
    if version >= 4:
        return p4(EMPTY_DICT + MEMOIZE + MARK + items + SETITEMS, version)
    return proto(version) + EMPTY_DICT + MARK + items + SETITEMS + STOP


def ordered_dict_pkl() -> bytes:
    body = (
        global_("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE
        + MARK + binunicode("layer1.weight") + binfloat(0.5)
        + binunicode("layer1.bias") + binfloat(0.0) + SETITEMS
    )
    return p2(body)


def build_corpus() -> tuple[Sample, ...]:
    """Every sample, sorted by name."""
    m = os_system_payload("echo pwned")
    samples = [
        # ---------------------------------------------------------------- malicious
        Sample(name="os_system_p0", filename="os_system_p0.pkl", data=m["p0"], malicious=True,
               dangerous=frozenset({"os.system"})),
        Sample(name="posix_system_p2", filename="posix_system_p2.pkl", data=m["p2"],
               malicious=True, dangerous=frozenset({"posix.system"})),
        Sample(name="os_system_p4", filename="os_system_p4.pkl", data=m["p4"], malicious=True,
               dangerous=frozenset({"os.system"})),
        Sample(name="nt_system_p2", filename="nt_system_p2.pkl",
               data=p2(call_p2("nt", "system", "echo nt")), malicious=True,
               dangerous=frozenset({"nt.system"})),
        Sample(name="subprocess_popen_p4", filename="subprocess_popen_p4.pkl",
               data=p4(call_p4("subprocess", "Popen", "id")), malicious=True,
               dangerous=frozenset({"subprocess.Popen"})),
        Sample(name="subprocess_check_output_p5", filename="subprocess_check_output_p5.pkl",
               data=p4(call_p4("subprocess", "check_output", "id"), 5), malicious=True,
               dangerous=frozenset({"subprocess.check_output"})),
        Sample(name="builtins_exec_p2", filename="builtins_exec_p2.pkl",
               data=exec_payload("print('exec')"), malicious=True,
               dangerous=frozenset({"builtins.exec"})),
        Sample(name="builtin_eval_p0", filename="builtin_eval_p0.pkl",
               data=p0(call_p0("__builtin__", "eval", "1+1")), malicious=True,
               dangerous=frozenset({"__builtin__.eval"})),
        Sample(name="builtins_import_only", filename="builtins_import.pkl", data=import_only(),
               malicious=True, dangerous=frozenset({"builtins.__import__"})),
        Sample(name="builtins_getattr_chain", filename="getattr_chain.pkl",
               data=getattr_chain(), malicious=True,
               dangerous=frozenset({"builtins.getattr", "builtins.__import__"})),
        Sample(name="runpy_run_code", filename="runpy.pkl",
               data=p2(call_p2("runpy", "_run_code", "print(1)", "{}")), malicious=True,
               dangerous=frozenset({"runpy._run_code"})),
        Sample(name="socket_create_connection", filename="socket.pkl",
               data=p4(call_p4("socket", "create_connection", "127.0.0.1")), malicious=True,
               dangerous=frozenset({"socket.create_connection"})),
        Sample(name="webbrowser_open", filename="webbrowser.pkl",
               data=p2(call_p2("webbrowser", "open", "http://127.0.0.1/")), malicious=True,
               dangerous=frozenset({"webbrowser.open"})),
        Sample(name="operator_attrgetter_chain", filename="attrgetter.pkl",
               data=attrgetter_chain(), malicious=True,
               dangerous=frozenset({"operator.attrgetter", "importlib.import_module"})),
        Sample(name="functools_partial_eval", filename="partial.pkl", data=partial_eval(),
               malicious=True, dangerous=frozenset({"functools.partial", "builtins.eval"})),
        Sample(name="pickle_loads_nested", filename="nested.pkl", data=nested_pickle(),
               malicious=True, dangerous=frozenset({"pickle.loads"})),
        Sample(name="inst_opcode_p0", filename="inst_p0.pkl", data=inst_opcode(),
               malicious=True, dangerous=frozenset({"os.system"})),
        Sample(name="memo_hidden_binput", filename="memo_hidden.pkl", data=memo_hidden(),
               malicious=True, dangerous=frozenset({"os.system"})),
        Sample(name="memo_hidden_deep_p5", filename="memo_hidden_deep.pkl",
               data=memo_hidden_deep(), malicious=True,
               dangerous=frozenset({"subprocess.check_output"})),
        Sample(name="torch_zip_malicious", filename="malicious_checkpoint.pt",
               data=torch_zip(p2(call_p2("os", "system", "echo torch"))), malicious=True,
               dangerous=frozenset({"os.system"})),
        Sample(name="torch_legacy_malicious", filename="legacy_malicious.pth",
               data=torch_legacy(p2(call_p2("os", "system", "echo legacy"))), malicious=True,
               dangerous=frozenset({"os.system"})),
        Sample(name="joblib_malicious", filename="model_malicious.joblib",
               data=joblib_like(call_p2("os", "system", "echo joblib")), malicious=True,
               dangerous=frozenset({"os.system"})),
        Sample(name="joblib_hidden_after_array", filename="model_hidden.joblib",
               data=joblib_like(sklearn_like_pkl()[2:-1], call_p2("os", "system", "echo j")),
               malicious=True, dangerous=frozenset({"os.system"}),
               note="the payload follows the inline array bytes"),
        Sample(name="npy_object_malicious", filename="object_array.npy",
               data=npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                        p2(call_p2("os", "system", "echo npy"))),
               malicious=True, dangerous=frozenset({"os.system"})),
        # ---------------------------------------------------------------- benign
        Sample(name="dict_p0", filename="dict_p0.pkl", data=plain_dict(0), malicious=False),
        Sample(name="dict_p2", filename="dict_p2.pkl", data=plain_dict(2), malicious=False),
        Sample(name="dict_p4", filename="dict_p4.pkl", data=plain_dict(4), malicious=False),
        Sample(name="dict_p5", filename="dict_p5.pkl", data=plain_dict(5), malicious=False),
        Sample(name="sklearn_like", filename="sklearn_model.pkl", data=sklearn_like_pkl(),
               malicious=False),
        Sample(name="numpy_reconstruct", filename="array.pkl", data=numpy_array_pkl(),
               malicious=False),
        Sample(name="ordered_dict", filename="ordered_dict.pkl", data=ordered_dict_pkl(),
               malicious=False),
        Sample(name="torch_zip_state_dict", filename="state_dict.pt",
               data=torch_zip(torch_state_dict_pkl()), malicious=False),
        Sample(name="torch_legacy_state_dict", filename="legacy_state_dict.pth",
               data=torch_legacy(ordered_dict_pkl()), malicious=False),
        Sample(name="joblib_benign", filename="model.joblib",
               data=joblib_like(sklearn_like_pkl()[2:-1]), malicious=False),
        Sample(name="npy_float", filename="weights.npy",
               data=npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                        struct.pack("<3d", 1.0, 2.0, 3.0)), malicious=False),
    ]
    return tuple(sorted(samples, key=lambda s: s.name))


def write_corpus(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in build_corpus():
        path = directory / sample.filename
        path.write_bytes(sample.data)
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - manual use
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/pickles")
    for p in write_corpus(target):
        print(p)
