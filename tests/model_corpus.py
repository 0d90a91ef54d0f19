"""A corpus of malicious and benign model files for the evasion classes of model scanners.

The malicious samples follow techniques described in public research and advisories
(written here from those descriptions, byte by byte, never copied): every pickle protocol,
joblib with each compressor, PyTorch zip and legacy files, numpy ``.npy`` / ``.npz``, Keras
``.keras`` / ``.h5``, SavedModel graphs, dotted attribute paths (protocol 4+ ``find_class``
resolution), file-writing gadgets, zip files that Python's ``zipfile`` refuses but model
loaders read (CVE-2025-1944 name mismatch, CVE-2025-1945 encrypted flag, CVE-2025-10156
bad CRC), files whose extension hides the format (CVE-2025-1889 ``.pth.tar``, ``.dat``,
``.pkl.gz``), 7z/rar/tar archives declared as PyTorch (nullifAI), broken streams with the
payload before the break, npz members named without ``.npy``, and Keras configs that name
arbitrary modules (CVE-2025-1550). Every payload is harmless: it would only ``touch`` the
marker file passed in, and nothing here or in the tests ever loads a sample.

The benign samples are written by the real libraries (scikit-learn, joblib, numpy, and
LightGBM, XGBoost, h5py; torch's and Keras' own files are committed, see
benchmarks/make_model_fixtures.py), so "no false alarm" is measured on what users have.

    python -m tests.model_corpus OUT_DIR [MARKER]
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import struct
import sys
import tarfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from tests import pickle_corpus as pc

TORCH_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "torch"
KERAS_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "keras"
MOD_IMPORTS = "MLS-MOD-002"
MOD_CODE = "MLS-MOD-003"
MOD_UNSAFE = "MLS-MOD-008"


@dataclass(frozen=True, kw_only=True)
class Sample:
    path: str  # relative path inside the corpus folder
    data: bytes
    malicious: bool
    technique: str  # the evasion class (issue 20) or the library that wrote it
    # the controls among MLS-MOD-002/003/008 that report the sample, exactly
    expect: frozenset[str] = frozenset()


# ------------------------------------------------------------------------- pickle bits
def short_binstring(s: str) -> bytes:
    raw = s.encode()
    return b"U" + bytes([len(raw)]) + raw


def call_p1(module: str, name: str, *args: str) -> bytes:
    """Protocol 1: GLOBAL + MARK + SHORT_BINSTRINGs + TUPLE + REDUCE (no PROTO opcode)."""
    return pc.global_(module, name) + pc.MARK + b"".join(short_binstring(a) for a in args) \
        + pc.TUPLE + pc.REDUCE


def obj_call(module: str, name: str, *args: str) -> bytes:
    """OBJ (protocol 1): MARK + class + args + ``o`` calls ``cls(*args)``."""
    return pc.MARK + pc.global_(module, name) + b"".join(pc.binunicode(a) for a in args) + b"o"


def p3(body: bytes) -> bytes:
    return pc.proto(3) + body + pc.STOP


def p5(body: bytes) -> bytes:
    return pc.p4(body, 5)


def sg_call(module: str, name: str, *args: bytes) -> bytes:
    """``module.name(*args)`` with STACK_GLOBAL; ``args`` are already-encoded items."""
    return pc.stack_global(module, name) + pc.MARK + b"".join(args) + pc.TUPLE + pc.REDUCE


def path_obj(path: str) -> bytes:
    """``pathlib.PosixPath(path)`` on the stack."""
    return sg_call("pathlib", "PosixPath", pc.sbu(path))


def broken_after(payload: bytes) -> bytes:
    """The payload's opcodes, then bytes that are no pickle opcode: the loader runs the
    payload before it reaches the error (nullifAI)."""
    return payload[:-1] + b"\xff\xfe garbage"


# ----------------------------------------------------------------------------- zips
def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def torch_zip(data_pkl: bytes, root: str = "archive", pkl_name: str = "data.pkl") -> bytes:
    return _zip({f"{root}/{pkl_name}": data_pkl, f"{root}/byteorder": b"little",
                 f"{root}/data/0": struct.pack("<4f", 1, 2, 3, 4), f"{root}/version": b"3\n"})


def zip_rename_local(data: bytes, old: str, new: str) -> bytes:
    """CVE-2025-1944: the local header names another file than the central directory."""
    assert len(old) == len(new)
    i = data.index(b"PK\x03\x04" )
    j = data.index(old.encode(), i)
    return data[:j] + new.encode() + data[j + len(old):]


def zip_set_encrypted(data: bytes) -> bytes:
    """CVE-2025-1945: bit 0 ("encrypted") of every entry's flags, with nothing encrypted."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = out.find(sig)
        while i >= 0:
            out[i + off] |= 0x01
            i = out.find(sig, i + 4)
    return bytes(out)


def zip_bad_crc(data: bytes) -> bytes:
    """CVE-2025-10156: every CRC-32 field is wrong; the content is intact."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        i = out.find(sig)
        while i >= 0:
            out[i + off:i + off + 4] = b"\x00\x00\x00\x00"
            i = out.find(sig, i + 4)
    return bytes(out)


def zip_unknown_method(data: bytes) -> bytes:
    """The pickle member claims a compression method no loader implements."""
    out = bytearray(data)
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        i = out.find(sig)
        out[i + off:i + off + 2] = struct.pack("<H", 99)
    return bytes(out)


def tar_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


SEVENZIP_HEADER = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(24)


def sevenzip_stored(data: bytes) -> bytes:
    """A 7z signature header followed by the member stored as is ("copy" coder)."""
    return SEVENZIP_HEADER + data


def sevenzip_lzma(data: bytes) -> bytes:
    """A 7z signature header followed by the member LZMA-compressed (the usual coder):
    nothing of the payload is visible without decompressing."""
    return SEVENZIP_HEADER + lzma.compress(data, format=lzma.FORMAT_ALONE)


def npy_object(payload: bytes) -> bytes:
    return pc.npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", payload)


def keras_zip(config: object) -> bytes:
    return _zip({"config.json": json.dumps(config).encode(), "metadata.json": b"{}",
                 "model.weights.h5": b"\x89HDF\r\n\x1a\n" + bytes(64)})


def h5_with_config(config: object) -> bytes:
    """An HDF5 file whose ``model_config`` attribute string holds ``config``."""
    return (b"\x89HDF\r\n\x1a\n" + bytes(40) + json.dumps(config).encode() + bytes(64))


def lzma_alone(data: bytes) -> bytes:
    return lzma.compress(data, format=lzma.FORMAT_ALONE)


# -------------------------------------------------------------------------- malicious
def malicious(marker: str) -> list[Sample]:
    cmd = f"touch {marker}"
    code = f"open({marker!r}, 'w').close()"
    sys_p2 = pc.p2(pc.call_p2("os", "system", cmd))
    out: list[Sample] = []

    def add(path: str, data: bytes, technique: str, *expect: str) -> None:
        out.append(Sample(path=path, data=data, malicious=True, technique=technique,
                          expect=frozenset(expect or (MOD_IMPORTS,))))

    # every protocol, every import opcode
    add("models/p0_os_system.pkl", pc.p0(pc.call_p0("os", "system", cmd)), "protocol 0")
    add("models/p0_inst.pkl", pc.MARK + pc.string0(cmd) + pc.inst("os", "system") + pc.STOP,
        "protocol 0 INST")
    add("models/p0_builtin_eval.pkl", pc.p0(pc.call_p0("__builtin__", "eval", code)),
        "protocol 0")
    add("models/p1_os_system.pkl", call_p1("os", "system", cmd) + pc.STOP, "protocol 1")
    add("models/p1_obj_popen.pkl", obj_call("subprocess", "Popen", "id") + pc.STOP,
        "protocol 1 OBJ")
    add("models/p2_posix_system.pkl", pc.p2(pc.call_p2("posix", "system", cmd)), "protocol 2")
    add("models/p2_exec.pkl", pc.exec_payload(code), "protocol 2")
    add("models/p2_newobj_popen.pkl",
        pc.p2(pc.global_("subprocess", "Popen") + pc.binunicode(cmd) + pc.TUPLE1 + pc.NEWOBJ),
        "protocol 2 NEWOBJ")
    add("models/p3_popen.pkl", p3(pc.call_p2("subprocess", "Popen", "touch", marker)),
        "protocol 3")
    add("models/p4_os_system.pkl", pc.p4(pc.call_p4("os", "system", cmd)), "protocol 4")
    add("models/p4_runpy.pkl", pc.p4(pc.call_p4("runpy", "_run_code", code, "{}")),
        "protocol 4")
    add("models/p5_check_output.pkl", p5(pc.call_p4("subprocess", "check_output", "id")),
        "protocol 5")
    add("models/p5_socket.pkl", p5(pc.call_p4("socket", "create_connection", "127.0.0.1")),
        "protocol 5")
    add("models/p2_getattr_import.pkl", pc.getattr_chain(), "indirection")
    add("models/p4_attrgetter.pkl", pc.attrgetter_chain(), "indirection")
    add("models/p4_partial_eval.pkl", pc.partial_eval(), "indirection")
    add("models/p4_nested_loads.pkl", pc.nested_pickle(), "nested pickle")
    add("models/p4_memo_hidden.pkl", pc.memo_hidden(), "memo indirection")
    add("models/p5_memo_deep.pkl", pc.memo_hidden_deep(), "memo indirection")
    # 1. dotted names resolved attribute by attribute (protocol 4+)
    add("models/dotted_numpy_os.pkl",
        pc.p4(sg_call("numpy", "core.numeric.os.system", pc.sbu(cmd))), "dotted name")
    add("models/dotted_logging_os.pkl",
        p5(sg_call("logging", "os.system", pc.sbu(cmd))), "dotted name")
    add("models/dotted_getattr_self.pkl",
        pc.p4(sg_call("builtins", "getattr.__self__.exec", pc.sbu(code))), "dotted name")
    add("models/dotted_torch_load.pkl",
        pc.p4(sg_call("torch", "serialization.load", pc.sbu("other.pt"))), "dotted name")
    add("models/dotted_collections_sys.pkl",
        pc.p4(sg_call("collections", "abc.sys.modules.get", pc.sbu("os"))), "dotted name")
    # 2. file-writing and file-clobbering gadgets
    add("models/gadget_gzip_open.pkl",
        pc.p4(sg_call("gzip", "open", pc.sbu(marker), pc.sbu("wb"))), "file gadget")
    add("models/gadget_bz2_open.pkl",
        pc.p4(sg_call("bz2", "open", pc.sbu(marker), pc.sbu("wb"))), "file gadget")
    add("models/gadget_lzma_open.pkl",
        pc.p4(sg_call("lzma", "open", pc.sbu(marker), pc.sbu("wb"))), "file gadget")
    add("models/gadget_path_write_text.pkl",
        pc.p4(sg_call("pathlib", "Path.write_text", path_obj(marker), pc.sbu("x"))),
        "file gadget")
    add("models/gadget_path_touch.pkl",
        pc.p4(sg_call("pathlib", "PosixPath.touch", path_obj(marker))), "file gadget")
    add("models/gadget_path_unlink.pkl",
        pc.p4(sg_call("pathlib", "Path.unlink", path_obj(marker + ".other"))), "file gadget")
    add("models/gadget_codecs_open.pkl",
        pc.p2(pc.call_p2("codecs", "open", marker, "w")), "file gadget")
    add("models/gadget_shutil_move.pkl",
        pc.p2(pc.call_p2("shutil", "move", marker + ".a", marker)), "file gadget")
    add("models/gadget_tarfile.pkl", pc.p2(pc.call_p2("tarfile", "open", "x.tar")),
        "file gadget")
    add("models/gadget_zip_extract.pkl",
        pc.p4(sg_call("zipfile", "ZipFile.extractall", pc.sbu("x.zip"))), "file gadget")
    add("models/gadget_shelve.pkl", pc.p2(pc.call_p2("shelve", "open", marker)),
        "file gadget")
    add("models/gadget_sqlite.pkl", pc.p2(pc.call_p2("sqlite3", "connect", marker)),
        "file gadget")
    add("models/gadget_io_fileio.pkl", pc.p2(pc.call_p2("_io", "FileIO", marker, "w")),
        "file gadget")
    # joblib, every compressor
    jl = pc.joblib_like(pc.call_p2("os", "system", cmd))
    add("models/jl_plain.joblib", jl, "joblib")
    add("models/jl_after_array.joblib",
        pc.joblib_like(pc.sklearn_like_pkl()[2:-1], pc.call_p2("os", "system", cmd)),
        "joblib")
    add("models/jl_zlib.joblib", zlib.compress(jl), "joblib zlib")
    add("models/jl_gzip.joblib", gzip.compress(jl, mtime=0), "joblib gzip")
    add("models/jl_bz2.joblib", bz2.compress(jl), "joblib bz2")
    add("models/jl_xz.joblib", lzma.compress(jl), "joblib xz")
    add("models/jl_lzma.joblib", lzma_alone(jl), "joblib lzma")
    # PyTorch
    add("models/torch_zip.pt", torch_zip(sys_p2), "pytorch zip")
    add("models/torch_zip_p4.pth", torch_zip(pc.p4(pc.call_p4("builtins", "exec", code)),
                                             root="model"), "pytorch zip")
    add("models/torch_legacy.pth", pc.torch_legacy(sys_p2), "pytorch legacy")
    add("models/torch_zip.bin", torch_zip(sys_p2, root="pytorch_model"), "pytorch zip")
    add("models/torch_deflated.ckpt",
        _zip({"archive/data.pkl": sys_p2, "archive/version": b"3\n"}, zipfile.ZIP_DEFLATED),
        "pytorch zip")
    # 4. names that hide the format
    add("models/checkpoint.pth.tar", torch_zip(sys_p2), "extension (CVE-2025-1889)")
    add("models/weights.dat", torch_zip(sys_p2), "extension")
    add("models/model.pkl.gz", gzip.compress(jl, mtime=0), "extension")
    add("checkpoints/epoch3.state", pc.p4(pc.call_p4("os", "system", cmd)), "extension")
    add("models/model.npz.bak", pc.npz({"a.npy": npy_object(sys_p2)}), "extension")
    # 3. zips that Python's zipfile refuses and loaders read
    add("models/cve_2025_1944.pt",
        zip_rename_local(torch_zip(sys_p2), "archive/data.pkl", "archive/data.pkx"),
        "zip name mismatch", MOD_IMPORTS, MOD_UNSAFE)
    add("models/cve_2025_1945.pt", zip_set_encrypted(torch_zip(sys_p2)),
        "zip encrypted flag", MOD_IMPORTS, MOD_UNSAFE)
    add("models/cve_2025_10156.pt", zip_bad_crc(torch_zip(sys_p2)), "zip bad CRC",
        MOD_IMPORTS, MOD_UNSAFE)
    add("models/zip_unknown_method.pt", zip_unknown_method(torch_zip(sys_p2)),
        "unreadable pickle member", MOD_UNSAFE)
    add("models/zip_member_unnamed.pt",
        _zip({"archive/model": sys_p2, "archive/version": b"3\n"}), "pickle by content")
    # 5. non-standard containers and broken streams
    add("models/nullifai.pt", sevenzip_lzma(broken_after(sys_p2)), "7z declared PyTorch",
        MOD_UNSAFE)
    add("models/nullifai_stored.pt", sevenzip_stored(broken_after(sys_p2)),
        "7z declared PyTorch", MOD_IMPORTS, MOD_UNSAFE)
    add("models/archive.pt", b"Rar!\x1a\x07\x01\x00" + bytes(16) + sys_p2,
        "rar declared PyTorch", MOD_IMPORTS, MOD_UNSAFE)
    add("models/legacy_tar.pth", tar_of({"sys_info": pc.plain_dict(2), "pickle": sys_p2}),
        "tar declared PyTorch", MOD_IMPORTS, MOD_UNSAFE)
    add("models/broken_after_payload.pkl", broken_after(sys_p2), "broken stream")
    add("models/broken_in_zip.pt", torch_zip(broken_after(sys_p2)), "broken stream")
    # 6. numpy
    add("models/object_array.npy", npy_object(sys_p2), "npy object array")
    add("models/object_arrays.npz", pc.npz({"arr_0.npy": npy_object(sys_p2)}),
        "npz object array")
    add("models/npz_no_suffix.npz",
        pc.npz({"weights": npy_object(sys_p2),
                "bias": pc.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                               struct.pack("<d", 1.0))}), "npz member without .npy")
    add("models/npz_deflated.npz",
        _zip({"w.npy": npy_object(pc.p4(pc.call_p4("os", "system", cmd)))},
             zipfile.ZIP_DEFLATED), "npz object array")
    # 7. Keras configs
    add("models/keras_module.keras", keras_zip({
        "module": "keras", "class_name": "Sequential", "config": {"layers": [
            {"module": "keras.layers", "class_name": "Dense", "config": {"units": 1}},
            {"module": "subprocess", "class_name": "Popen",
             "config": {"args": ["touch", marker]}}]}}), "keras module (CVE-2025-1550)")
    add("models/keras_function.keras", keras_zip({
        "module": "keras.models", "class_name": "Sequential", "config": {"layers": [
            {"module": "keras.layers", "class_name": "Activation", "config": {
                "activation": {"module": "os", "class_name": "function",
                               "config": "system", "registered_name": "system"}}}]}}),
        "keras module")
    add("models/keras_dotted_class.keras", keras_zip({
        "class_name": "Sequential", "config": {"layers": [
            {"class_name": "builtins.exec", "config": {"name": "x"}}]}}),
        "keras dotted class name")
    add("models/keras_lambda.keras", keras_zip({
        "class_name": "Sequential", "config": {"layers": [
            {"class_name": "Lambda", "config": {"name": "lam", "function": "4wEAAAA="}}]}}),
        "keras lambda", MOD_CODE)
    add("models/keras_lambda.h5", h5_with_config({
        "class_name": "Sequential", "config": {"layers": [
            {"class_name": "Lambda", "config": {"name": "lam2"}}]}}), "h5 lambda", MOD_CODE)
    add("models/keras_module.h5", h5_with_config({
        "class_name": "Functional", "module": "keras.src.models.functional", "config": {
            "layers": [{"class_name": "system", "module": "posix", "config": {}}]}}),
        "h5 module")
    # SavedModel
    add("export/savedmodel/saved_model.pb", b"\x0a\x02\x08\x01\x12\x06PyFunc\x12\x08ReadFile",
        "savedmodel ops", MOD_CODE)
    add("export/savedmodel/keras_metadata.pb", b"\n\x40" + json.dumps(
        {"class_name": "Lambda", "config": {"name": "decode"}}).encode(), "savedmodel lambda",
        MOD_CODE)
    return out


# ----------------------------------------------------------------------------- benign
def benign() -> list[Sample]:
    """Files written by the real libraries (no callable of ours is pickled)."""
    import pickle
    import tempfile

    import joblib
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 4))
    y = (x[:, 0] > 0).astype(int)
    logreg = LogisticRegression().fit(x, y)
    forest = RandomForestClassifier(n_estimators=3, max_depth=3, random_state=0).fit(x, y)
    gbm = GradientBoostingClassifier(n_estimators=3, random_state=0).fit(x, y)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    tree = DecisionTreeRegressor(max_depth=2).fit(x, x[:, 1])
    out: list[Sample] = []

    def add(path: str, data: bytes, technique: str) -> None:
        out.append(Sample(path=path, data=data, malicious=False, technique=technique))

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)

        def dumped(name: str, obj: object, **kw: object) -> bytes:
            joblib.dump(obj, t / name, **kw)  # type: ignore[arg-type]
            return (t / name).read_bytes()

        add("models/real/forest.joblib", dumped("a.joblib", forest), "joblib")
        for comp in ("zlib", "gzip", "bz2", "xz", "lzma"):
            add(f"models/real/forest_{comp}.joblib", dumped(f"{comp}.joblib", forest,
                                                        compress=(comp, 3)), f"joblib {comp}")
        add("models/real/pipeline.joblib", dumped("p.joblib", pipe), "joblib")
        # a SageMaker-style model.tar.gz holding a joblib file (tarfile + gzip, as the
        # SageMaker SDK packs it)
        add("models/real/model.tar.gz",
            gzip.compress(tar_of({"model.joblib": dumped("s.joblib", forest)}), mtime=0),
            "sagemaker model.tar.gz")
        add("models/real/gbm.joblib", dumped("g.joblib", gbm), "joblib")
        add("models/real/model.pkl.gz", dumped("m.pkl.gz", logreg), "joblib .pkl.gz")
        for protocol in range(6):
            add(f"models/real/logreg_p{protocol}.pkl", pickle.dumps(logreg, protocol=protocol),
                f"pickle protocol {protocol}")
        add("models/real/tree_p5.pkl", pickle.dumps(tree, protocol=5), "pickle")
        add("models/real/arrays_p4.pkl", pickle.dumps({"x": x, "y": y}, protocol=4), "pickle")
        add("models/real/weights.dat", pickle.dumps({"w": x}, protocol=4), "pickle .dat")

        def saved(name: str, fn: str, *args: object, **kw: object) -> bytes:
            getattr(np, fn)(t / name, *args, **kw)
            return (t / name).read_bytes()

        from sklearn.cluster import KMeans

        kmeans = KMeans(n_clusters=2, n_init=1, random_state=0).fit(x)
        add("models/real/kmeans.joblib", dumped("k.joblib", kmeans, compress=3),
            "joblib compress=3")
        add("models/real/scaler_p2.pkl", pickle.dumps(StandardScaler().fit(x), protocol=2),
            "pickle protocol 2")
        add("models/real/arrays.joblib", dumped("d.joblib", {"x": x, "ids": np.arange(5)}),
            "joblib arrays")
        add("models/real/x.npy", saved("x.npy", "save", x), "numpy")
        add("models/real/ints.npy", saved("i.npy", "save", np.arange(10, dtype=np.int32)),
            "numpy")
        add("models/real/objects.npy", saved("o.npy", "save", np.array([{"a": 1}, [2]],
                                                                   dtype=object)),
            "numpy object array")
        add("models/real/arrays.npz", saved("a.npz", "savez", x=x, y=y), "numpy npz")
        add("models/real/arrays_z.npz", saved("z.npz", "savez_compressed", x=x, y=y),
            "numpy npz")
        add("models/real/objects.npz",
            saved("on.npz", "savez", o=np.array([None, 1], dtype=object)), "numpy npz object")
        out.extend(_optional_libraries(t, x, y))
    # written by benchmarks/make_model_fixtures.py (torch and keras are too big for CI)
    for p in sorted(TORCH_FIXTURES.iterdir()):
        add(f"models/real/torch/{p.name}", p.read_bytes(), "torch")
    for p in sorted(KERAS_FIXTURES.iterdir()):
        add(f"models/real/keras/{p.name}", p.read_bytes(), "keras")
    return out


def _optional_libraries(t: Path, x: object, y: object) -> list[Sample]:
    """LightGBM, XGBoost and h5py files (test dependencies; torch/Keras files are committed)."""
    import h5py
    import lightgbm
    import xgboost

    booster = lightgbm.train({"verbose": -1, "num_leaves": 4}, lightgbm.Dataset(x, y),
                             num_boost_round=2)
    booster.save_model(str(t / "lgb.txt"))
    xgb = xgboost.train({"max_depth": 2}, xgboost.DMatrix(x, label=y), num_boost_round=2)
    xgb.save_model(str(t / "xgb.ubj"))
    xgb.save_model(str(t / "xgb.json"))
    with h5py.File(t / "w.h5", "w") as h5:
        h5.create_dataset("w", data=x)
        h5.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {
            "layers": [{"module": "keras.layers", "class_name": "Dense",
                        "config": {"units": 1}}]}})
    return [
        Sample(path="models/real/lightgbm.model", data=(t / "lgb.txt").read_bytes(),
               malicious=False, technique="lightgbm"),
        Sample(path="models/real/xgb.ubj", data=(t / "xgb.ubj").read_bytes(),
               malicious=False, technique="xgboost"),
        Sample(path="models/real/xgb_model.json", data=(t / "xgb.json").read_bytes(),
               malicious=False, technique="xgboost"),
        Sample(path="models/real/weights.h5", data=(t / "w.h5").read_bytes(),
               malicious=False, technique="h5py"),
    ]


def build(marker: str) -> list[Sample]:
    samples = malicious(marker) + benign()
    assert len({s.path for s in samples}) == len(samples), "duplicate sample paths"
    return sorted(samples, key=lambda s: s.path)


def write(directory: Path, marker: str) -> list[Sample]:
    samples = build(marker)
    for s in samples:
        target = directory / s.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s.data)
    return samples


if __name__ == "__main__":  # pragma: no cover - manual use
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "model-corpus")
    marker_path = sys.argv[2] if len(sys.argv) > 2 else str(folder / "MARKER")
    for sample in write(folder, marker_path):
        print(("M " if sample.malicious else "B ") + sample.path)
