"""The artifacts collector on real files in a workspace: facts, formats, limits."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from pathlib import Path
from typing import Any

from mlscan.collectors.artifacts.collector import ArtifactsCollector
from mlscan.collectors.base import CollectContext, CollectorOutput
from mlscan.config import Config, Limits
from mlscan.hashing import DigestService
from mlscan.workspace import Workspace, WorkspaceOptions
from tests import pickle_corpus as pc


def collect(root: Path, limits: Limits | None = None,
            max_file_size: int | None = None) -> tuple[CollectorOutput, dict[str, Any]]:
    opts = WorkspaceOptions(max_file_size=max_file_size) if max_file_size else WorkspaceOptions()
    ws = Workspace.discover(root, opts)
    ctx = CollectContext.create(ws, config=Config(limits=limits or Limits()))
    out = ArtifactsCollector().collect(ws, ctx)
    return out, {f["path"]: walker_view(f) for f in out.facts["files"]}


def walker_view(fact: dict[str, Any]) -> dict[str, Any]:
    """The fact plus the walker's own view of it (``dangerous_globals``, ``verdict``),
    from the same table the Rego controls use; the controls are tested end to end in
    test_artifacts_rego.py."""
    from mlscan.collectors.artifacts.globals import classify, keras_module_allowed

    classes = {("dangerous" if g["picklescan"] == "dangerous" else classify(g["module"], g["name"]))
               for g in fact["globals"]}
    dangerous = sorted(f"{g['module']}.{g['name']}" for g in fact["globals"]
                       if classify(g["module"], g["name"]) == "dangerous"
                       or g["picklescan"] == "dangerous")
    if dangerous or any(not keras_module_allowed(o["module"]) for o in fact["keras_objects"]):
        verdict = "dangerous"
    elif (fact["unreadable_members"] or fact["container_anomalies"]
          or fact["unanalysed_reason"] is not None):
        verdict = "unanalysed"
    elif "unknown" in classes or fact["lambda_layers"] or fact["tf_file_ops"]:
        verdict = "suspicious"
    else:
        verdict = "safe"
    return {**fact, "dangerous_globals": dangerous, "verdict": verdict}


def write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def safetensors_bytes() -> bytes:
    header = json.dumps({"weight": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                         "__metadata__": {"format": "pt"}}).encode()
    return struct.pack("<Q", len(header)) + header + struct.pack("<2f", 1.0, 2.0)


def test_fact_fields_for_a_malicious_pickle(tmp_path: Path) -> None:
    data = pc.os_system_payload("echo x")["p0"]
    write(tmp_path, "models/model.pkl", data)
    out, files = collect(tmp_path)
    fact = files["models/model.pkl"]
    assert fact["format"] == "pickle"
    assert fact["declared_format"] == "pickle"
    assert fact["format_mismatch"] is False
    assert fact["pickle_based"] is True
    assert fact["size"] == len(data)
    assert fact["sha256"] == hashlib.sha256(data).hexdigest()
    # the walk finished: picklescan's denylist rates the walker's names (no second parse)
    assert fact["globals"] == [{"module": "os", "name": "system", "opcodes": ["GLOBAL"],
                                "sources": ["opcodes"], "picklescan": "dangerous"}]
    assert fact["engines"] == ["opcodes", "picklescan-denylist"]
    assert fact["dangerous_globals"] == ["os.system"]
    assert fact["verdict"] == "dangerous"
    assert fact["unanalysed_reason"] is None
    assert fact["loc"] == {"path": "models/model.pkl", "line": None, "col": None,
                           "end_line": None, "end_col": None}
    assert out.notifications == ()


def test_sha256_comes_from_the_shared_digest_service(tmp_path: Path) -> None:
    write(tmp_path, "models/a.safetensors", safetensors_bytes())
    ws = Workspace.discover(tmp_path)
    digests = DigestService(ws)
    out = ArtifactsCollector().collect(
        ws, CollectContext.create(ws, config=Config(), digests=digests)
    )
    assert digests.computed == 1
    assert out.facts["files"][0]["sha256"] == digests.digest("models/a.safetensors").sha256


def test_safe_formats_after_header_checks(tmp_path: Path) -> None:
    write(tmp_path, "models/a.safetensors", safetensors_bytes())
    write(tmp_path, "models/b.onnx", b"\x08\x07\x12\x07pytorch\x1a\x032.1")
    write(tmp_path, "models/c.gguf", b"GGUF" + struct.pack("<I", 3) + b"\0" * 16)
    write(tmp_path, "models/xgb_model.json",
          json.dumps({"learner": {"attributes": {}}, "version": [2, 0, 3]}).encode())
    write(tmp_path, "models/d.ubj", b"{L\x00\x00\x00\x00\x00\x00\x00\x07learner{}}")
    _, files = collect(tmp_path)
    summary = {p: (f["format"], f["verdict"], f["pickle_based"], f["format_mismatch"])
               for p, f in files.items()}
    assert summary == {
        "models/a.safetensors": ("safetensors", "safe", False, False),
        "models/b.onnx": ("onnx", "safe", False, False),
        "models/c.gguf": ("gguf", "safe", False, False),
        "models/d.ubj": ("xgboost-ubj", "safe", False, False),
        "models/xgb_model.json": ("xgboost-json", "safe", False, False),
    }
    assert files["models/a.safetensors"]["analysis"] == {"tensors": 1}


def test_pickle_disguised_as_safetensors_is_a_format_mismatch(tmp_path: Path) -> None:
    write(tmp_path, "models/model.safetensors", pc.exec_payload("print(1)"))
    _, files = collect(tmp_path)
    fact = files["models/model.safetensors"]
    assert (fact["declared_format"], fact["format"], fact["format_mismatch"]) == (
        "safetensors", "pickle", True)
    assert fact["dangerous_globals"] == ["builtins.exec"]
    assert fact["verdict"] == "dangerous"


def test_torch_zip_reports_its_pickle_members(tmp_path: Path) -> None:
    write(tmp_path, "checkpoints/model.pt", pc.torch_zip(pc.torch_state_dict_pkl()))
    _, files = collect(tmp_path)
    fact = files["checkpoints/model.pt"]
    assert fact["format"] == "pytorch"
    assert fact["pickle_members"] == ["archive/data.pkl"]
    assert fact["verdict"] == "safe"
    assert [g["name"] for g in fact["globals"]] == ["OrderedDict", "FloatStorage",
                                                    "_rebuild_tensor_v2"]


def test_keras_zip_lambda_layer(tmp_path: Path) -> None:
    config = {"class_name": "Sequential", "config": {"name": "seq", "layers": [
        {"class_name": "InputLayer", "config": {"name": "input"}},
        {"class_name": "Lambda", "config": {"name": "exfiltrate", "function": {
            "class_name": "__lambda__", "config": {"code": "4wEAAAAA"}}}},
        {"class_name": "TFOpLambda", "config": {"name": "tf_op"}},
    ]}}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("metadata.json", "{}")
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n")
    write(tmp_path, "models/net.keras", buf.getvalue())
    write(tmp_path, "models/clean.keras", _keras_zip({"class_name": "Sequential",
                                                      "config": {"layers": []}}))
    _, files = collect(tmp_path)
    assert files["models/net.keras"]["lambda_layers"] == ["exfiltrate"]
    assert files["models/net.keras"]["verdict"] == "suspicious"
    assert files["models/clean.keras"]["lambda_layers"] == []
    assert files["models/clean.keras"]["verdict"] == "safe"


def _keras_zip(config: dict[str, Any]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("metadata.json", "{}")
    return buf.getvalue()


def test_h5_model_config_found_by_bounded_byte_search(tmp_path: Path) -> None:
    config = json.dumps({"class_name": "Functional", "config": {"layers": [
        {"class_name": "Lambda", "config": {"name": "lambda_1",
                                            "function": ["4wEAAAA{}", None, None]}}]}})
    data = b"\x89HDF\r\n\x1a\n" + b"\0" * 500 + config.encode() + b"\0" * 100
    write(tmp_path, "models/legacy.h5", data)
    write(tmp_path, "models/plain.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 600)
    _, files = collect(tmp_path)
    assert files["models/legacy.h5"]["lambda_layers"] == ["lambda_1"]
    assert files["models/legacy.h5"]["analysis"] == {"model_config_found": True}
    assert files["models/plain.h5"]["analysis"] == {"model_config_found": False}
    assert files["models/plain.h5"]["verdict"] == "safe"


def test_savedmodel_file_io_ops(tmp_path: Path) -> None:
    graph = (b"\n\x05\x12\x03\n\x01x" + b"\x12\x08ReadFile" + b"\x12\x09WriteFile"
             + b"\x12\x06SaveV2")
    write(tmp_path, "export/sm/saved_model.pb", graph)
    write(tmp_path, "export/sm/variables/variables.index", b"\0")
    write(tmp_path, "export/ok/saved_model.pb", b"\x12\x06MatMul\x12\x06SaveV2")
    _, files = collect(tmp_path)
    assert files["export/sm/saved_model.pb"]["tf_file_ops"] == ["ReadFile", "WriteFile"]
    assert files["export/sm/saved_model.pb"]["model_dir"] == "export/sm"
    assert files["export/sm/saved_model.pb"]["verdict"] == "suspicious"
    assert files["export/ok/saved_model.pb"]["tf_file_ops"] == []
    assert files["export/ok/saved_model.pb"]["verdict"] == "safe"


def test_npz_with_object_array(tmp_path: Path) -> None:
    obj = pc.npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                 pc.p2(pc.call_p2("subprocess", "Popen", "id")))
    flt = pc.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", b"\0\0\x80?")
    write(tmp_path, "models/arrays.npz", pc.npz({"a.npy": flt, "b.npy": obj}))
    _, files = collect(tmp_path)
    fact = files["models/arrays.npz"]
    assert (fact["format"], fact["pickle_based"], fact["pickle_members"]) == (
        "npz", True, ["b.npy"])
    assert fact["dangerous_globals"] == ["subprocess.Popen"]


# ------------------------------------------------------------------ bad files and limits
def test_truncated_and_corrupt_files_become_notifications(tmp_path: Path) -> None:
    full = pc.os_system_payload("echo x")["p4"]
    write(tmp_path, "models/truncated.pkl", full[: len(full) // 2])
    write(tmp_path, "models/garbage.pt", b"\x00\x01\x02 not a model")
    write(tmp_path, "models/bad.npy", b"\x93NUMPY\x01\x00\xff\xff{")
    write(tmp_path, "models/broken.safetensors", struct.pack("<Q", 20) + b"{not json at all!!!}")
    write(tmp_path, "models/cut.pt", pc.torch_zip(pc.torch_state_dict_pkl())[:120])
    write(tmp_path, "models/empty.pkl", b"")
    out, files = collect(tmp_path)
    reasons = {p: f["unanalysed_reason"] for p, f in files.items()}
    verdicts = {p: f["verdict"] for p, f in files.items()}
    assert verdicts == {p: "unanalysed" for p in files}
    assert reasons["models/truncated.pkl"].startswith("malformed pickle: truncated")
    assert reasons["models/garbage.pt"] == (
        "content does not match any known model format (declared pytorch)")
    assert reasons["models/bad.npy"] == "truncated .npy header"
    assert reasons["models/broken.safetensors"] == "safetensors header is not valid JSON"
    assert reasons["models/cut.pt"] == "zip archive without an end-of-central-directory record"
    assert reasons["models/empty.pkl"] == "the file is empty"
    assert sorted(n.path for n in out.notifications) == sorted(files)
    assert {n.kind for n in out.notifications} == {"model-unanalysed"}
    levels = {n.path: n.level for n in out.notifications}
    assert levels["models/garbage.pt"] == "note"
    assert levels["models/truncated.pkl"] == "warning"


def test_truncated_malicious_pickle_still_names_the_import(tmp_path: Path) -> None:
    full = pc.p2(pc.call_p2("os", "system", "echo x"))
    write(tmp_path, "models/cut.pkl", full[:-3])
    _, files = collect(tmp_path)
    assert files["models/cut.pkl"]["dangerous_globals"] == ["os.system"]
    assert files["models/cut.pkl"]["verdict"] == "dangerous"


def test_enormous_sparse_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "models" / "huge.pt"
    path.parent.mkdir()
    with path.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: no disk used
    out, files = collect(tmp_path, max_file_size=256 * 1024 * 1024)
    fact = files["models/huge.pt"]
    assert fact["verdict"] == "unanalysed"
    assert fact["sha256"] is None
    assert "over the 268435456-byte limit" in fact["unanalysed_reason"]
    assert [n.path for n in out.notifications] == ["models/huge.pt"]


def test_large_sparse_pickle_under_the_limit_fails_fast(tmp_path: Path) -> None:
    path = tmp_path / "models" / "zeros.pkl"
    path.parent.mkdir()
    with path.open("wb") as fh:
        fh.truncate(32 * 1024 * 1024)
    _, files = collect(tmp_path)
    assert files["models/zeros.pkl"]["unanalysed_reason"] == (
        "content does not match any known model format (declared pickle)")


def test_time_budget_turns_a_slow_file_into_unanalysed(tmp_path: Path) -> None:
    write(tmp_path, "models/slow.pkl", b"\x80\x02" + b"N0" * 300_000 + b"N.")
    out, files = collect(tmp_path, limits=Limits(model_analysis_timeout=0.001))
    assert files["models/slow.pkl"]["verdict"] == "unanalysed"
    assert "time budget" in files["models/slow.pkl"]["unanalysed_reason"]
    assert [n.path for n in out.notifications] == ["models/slow.pkl"]


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02N" + b"\0" * (8 * 1024 * 1024) + b".")
    write(tmp_path, "models/bomb.pt", buf.getvalue())
    _, files = collect(tmp_path)
    assert files["models/bomb.pt"]["unanalysed_reason"] == (
        "archive member archive/data.pkl has a compression ratio over 200 "
        "(limits.max_zip_ratio); possible zip bomb")


def test_zip_member_count_limit(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pc.torch_state_dict_pkl())
        for i in range(6):
            zf.writestr(f"archive/data/{i}", b"\0\0\0\0")
    write(tmp_path, "models/many.pt", buf.getvalue())
    _, files = collect(tmp_path, limits=Limits(max_zip_members=5))
    assert files["models/many.pt"]["unanalysed_reason"] == (
        "zip archive has 7 members, over limits.max_zip_members (5)")


def test_facts_are_deterministic(tmp_path: Path) -> None:
    for s in pc.build_corpus():
        write(tmp_path, f"models/{s.filename}", s.data)
    first, _ = collect(tmp_path)
    second, _ = collect(tmp_path)
    assert json.dumps(first.facts, sort_keys=True) == json.dumps(second.facts, sort_keys=True)
    paths = [f["path"] for f in first.facts["files"]]
    assert paths == sorted(paths)


def test_h5_with_many_unterminated_configs_is_bounded(tmp_path: Path) -> None:
    chunk = b'{"class_name": "Lambda", "config": {"name": "' + b"x" * 1000
    write(tmp_path, "models/trap.h5", b"\x89HDF\r\n\x1a\n" + chunk * 5000)
    out, files = collect(tmp_path)
    assert files["models/trap.h5"]["analysis"] == {"model_config_found": False}
    assert files["models/trap.h5"]["lambda_layers"] == []
    assert out.notifications == ()


def test_savedmodel_keras_metadata_lambda(tmp_path: Path) -> None:
    meta = (b"\n\x8d\x01" + json.dumps({"class_name": "Lambda", "config": {
        "name": "decode"}}).encode() + b"\x12\x00")
    write(tmp_path, "export/sm/saved_model.pb", b"\x12\x06MatMul")
    write(tmp_path, "export/sm/keras_metadata.pb", meta)
    _, files = collect(tmp_path)
    assert files["export/sm/keras_metadata.pb"]["format"] == "keras-metadata"
    assert files["export/sm/keras_metadata.pb"]["lambda_layers"] == ["decode"]


def test_zip_member_with_a_bad_crc(tmp_path: Path) -> None:
    data = bytearray(pc.torch_zip(pc.os_system_payload("echo x")["p2"]))
    idx = data.index(b"echo x")
    data[idx] = ord("E")  # stored member: the CRC no longer matches
    write(tmp_path, "models/crc.pt", bytes(data))
    out, files = collect(tmp_path)
    # read the way torch's loader reads it (CVE-2025-10156): analysed, and the bad CRC kept
    fact = files["models/crc.pt"]
    assert fact["unanalysed_reason"] is None
    assert fact["dangerous_globals"] == ["posix.system"]
    assert fact["container_anomalies"] == ["zip-bad-crc"]
    assert out.notifications == ()


def test_truncated_protocol0_payload_is_still_dangerous(tmp_path: Path) -> None:
    full = pc.os_system_payload("touch /tmp/x")["p0"]
    write(tmp_path, "models/p0.pkl", full[:-6])
    _, files = collect(tmp_path)
    fact = files["models/p0.pkl"]
    assert (fact["format"], fact["verdict"], fact["dangerous_globals"]) == (
        "pickle", "dangerous", ["os.system"])
    assert fact["unanalysed_reason"].startswith("malformed pickle: ")


def _compress(kind: str, data: bytes) -> bytes:
    import bz2
    import gzip
    import lzma
    import zlib

    return {"zlib": lambda: zlib.compress(data, 3), "gzip": lambda: gzip.compress(data, 3),
            "bz2": lambda: bz2.compress(data, 3), "xz": lambda: lzma.compress(data),
            "lzma": lambda: lzma.compress(data, format=lzma.FORMAT_ALONE)}[kind]()


def test_compressed_joblib_payloads_are_decompressed_in_memory(tmp_path: Path) -> None:
    payload = pc.joblib_like(pc.call_p2("os", "system", "echo z"))
    for kind in ("zlib", "gzip", "bz2", "xz", "lzma"):
        write(tmp_path, f"models/{kind}.joblib", _compress(kind, payload))
    _, files = collect(tmp_path)
    summary = {p: (f["format"], f["verdict"], f["dangerous_globals"], f["analysis"]["compression"])
               for p, f in files.items()}
    assert summary == {f"models/{k}.joblib": ("joblib", "dangerous", ["os.system"], k)
                       for k in ("zlib", "gzip", "bz2", "xz", "lzma")}
    assert files["models/zlib.joblib"]["analysis"]["decompressed_bytes"] == len(payload)


def test_decompression_bomb_and_truncation(tmp_path: Path) -> None:
    import zlib

    write(tmp_path, "models/bomb.joblib", zlib.compress(b"\x80\x02N" + bytes(32 << 20), 9))
    write(tmp_path, "models/cut.pkl", zlib.compress(pc.exec_payload("x=1"))[:-4])
    _, files = collect(tmp_path)
    assert files["models/bomb.joblib"]["unanalysed_reason"] == (
        "zlib-compressed content has a ratio over 200 (limits.max_zip_ratio); "
        "possible decompression bomb")
    assert files["models/cut.pkl"]["unanalysed_reason"] == "truncated zlib-compressed content"
