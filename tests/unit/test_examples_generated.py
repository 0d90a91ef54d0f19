"""The committed example model files are exactly what examples/generate_models.py writes.

Nothing here loads a model: bytes are compared, pickles are inspected with
``pickletools.genops`` only, zips are read as archives and safetensors/ONNX headers are
decoded by hand.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import io
import json
import pickletools
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GENERATOR = EXAMPLES / "generate_models.py"


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("examples_generate_models", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gm = _load_generator()


def _globals(data: bytes) -> list[str]:
    """Globals a pickle would import, as 'module.name', from opcodes only."""
    found: list[str] = []
    strings: list[str] = []
    for op, arg, _pos in pickletools.genops(data):
        if op.name == "GLOBAL":
            module, name = str(arg).split(" ", 1)
            found.append(f"{module}.{name}")
        elif op.name == "STACK_GLOBAL":
            found.append(f"{strings[-2]}.{strings[-1]}")
        elif op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            strings.append(str(arg))
    return found


def _opnames(data: bytes) -> list[str]:
    return [op.name for op, _arg, _pos in pickletools.genops(data)]


# ------------------------------------------------------------------ byte equality
def test_committed_files_are_the_generated_bytes(tmp_path: Path) -> None:
    written = gm.write(tmp_path)
    expected = sorted(gm.FILES)
    assert sorted(written) == expected  # everything is written into an empty root
    for rel in expected:
        generated = (tmp_path / rel).read_bytes()
        committed = (EXAMPLES / rel).read_bytes()
        assert hashlib.sha256(generated).hexdigest() == hashlib.sha256(committed).hexdigest(), rel


def test_generation_is_deterministic_and_idempotent(tmp_path: Path) -> None:
    assert gm.build() == gm.build()
    gm.write(tmp_path)
    assert gm.write(tmp_path) == []  # second run changes nothing


def test_generator_cli_writes_the_same_tree(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    assert f"wrote {sorted(gm.FILES)[0]}" in proc.stdout
    for rel in gm.FILES:
        assert (tmp_path / rel).read_bytes() == (EXAMPLES / rel).read_bytes()


def test_generation_never_unpickles_or_executes_anything(tmp_path: Path) -> None:
    """Run the generator under an audit hook that aborts on unpickling or process start."""
    script = textwrap.dedent(
        f"""
        import sys
        BLOCKED = ("pickle.find_class", "os.system", "subprocess.Popen", "os.exec",
                   "os.posix_spawn", "os.spawn", "exec", "compile", "marshal.loads")
        seen = []
        def hook(event, args):
            if event.startswith(BLOCKED) and not seen:
                if event in ("exec", "compile", "marshal.loads") and not _armed:
                    return
                seen.append(event)
                raise RuntimeError("blocked " + event)
        _armed = False
        sys.addaudithook(hook)
        import importlib.util
        spec = importlib.util.spec_from_file_location("g", {str(GENERATOR)!r})
        g = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(g)
        _armed = True
        g.write(__import__("pathlib").Path({str(tmp_path)!r}))
        print("events:", seen)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "events: []"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) \
        == sorted(gm.FILES)


def test_generator_source_has_no_loaders_and_pickles_no_callables() -> None:
    tree = ast.parse(GENERATOR.read_text(encoding="utf-8"))
    calls = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if isinstance(base, ast.Name):
                calls.append((base.id, node.func.attr, node))
    names = {(b, a) for b, a, _ in calls}
    for forbidden in [("pickle", "load"), ("pickle", "loads"), ("pickle", "Unpickler"),
                      ("pickle", "dump"), ("joblib", "load"), ("torch", "load"),
                      ("os", "system"), ("subprocess", "run")]:
        assert forbidden not in names, forbidden
    dumps = [node for b, a, node in calls if (b, a) == ("pickle", "dumps")]
    assert len(dumps) == 2
    for node in dumps:  # only ever the plain-data parameter dictionaries
        first = node.args[0]
        assert isinstance(first, ast.Name | ast.Call), ast.dump(first)
        if isinstance(first, ast.Call):
            assert isinstance(first.func, ast.Name) and first.func.id == "sklearn_params"
        else:
            assert first.id == "params"


# ---------------------------------------------------------------- malicious ones
@pytest.mark.parametrize(
    ("rel", "protocol", "dangerous"),
    [
        ("sentiment-api/insecure/models/sentiment/model.pkl", 2, "os.system"),
        ("credit-fraud-platform/insecure/models/credit/model.joblib", 4, "builtins.exec"),
        ("registry-hardening/insecure/models/churn-classifier/model.pkl", 2, "builtins.eval"),
    ],
)
def test_malicious_pickles_have_the_planted_global(rel: str, protocol: int, dangerous: str) -> None:
    data = (EXAMPLES / rel).read_bytes()
    ops = _opnames(data)
    assert ops[0] == "PROTO" and data[1] == protocol
    assert _globals(data)[0] == dangerous
    assert "REDUCE" in ops and ops[-1] == "STOP"
    if protocol == 4:
        assert "STACK_GLOBAL" in ops and "GLOBAL" not in ops
    else:
        assert "GLOBAL" in ops and "STACK_GLOBAL" not in ops
    assert gm.MARKER.encode() in data  # the payload only touches the marker


def test_pytorch_zip_is_fixed_and_carries_a_subprocess_payload() -> None:
    data = (EXAMPLES / "credit-fraud-platform/insecure/models/fraud/model.pt").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == [
            "archive/data.pkl", "archive/byteorder", "archive/data/0", "archive/data/1",
            "archive/version",
        ]
        assert {i.date_time for i in infos} == {gm.ZIP_TIME}
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED}
        assert zf.read("archive/version") == b"3\n"
        pkl = zf.read("archive/data.pkl")
        assert len(zf.read("archive/data/0")) == 6 * 4
    assert _globals(pkl) == [
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "collections.OrderedDict",
        "torch._utils._rebuild_tensor_v2", "torch.FloatStorage", "collections.OrderedDict",
        "subprocess.check_call",
    ]
    assert _opnames(pkl).count("BINPERSID") == 2


# ------------------------------------------------------------------- benign ones
def test_plain_data_pickles_have_no_globals() -> None:
    on_disk = (EXAMPLES / "registry-hardening/insecure/models/model.pkl").read_bytes()
    recorded = gm.registry_model_pkl_recorded()
    for data in (on_disk, recorded):
        ops = _opnames(data)
        assert _globals(data) == []
        assert "REDUCE" not in ops and "BUILD" not in ops
    assert on_disk != recorded  # the poisoned weights differ from what DVC recorded


def test_pyfunc_pickle_references_only_its_own_class() -> None:
    data = (EXAMPLES / "registry-hardening/insecure/models/demand-forecast/python_model.pkl")
    assert _globals(data.read_bytes()) == ["forecast.model.SeasonalNaiveForecaster"]


@pytest.mark.parametrize(
    ("rel", "shapes"),
    [
        ("credit-fraud-platform/hardened/models/fraud/model.safetensors",
         {"fc.bias": [1], "fc.weight": [1, 6]}),
        ("registry-hardening/hardened/models/model.safetensors",
         {"coef": [1, 4], "intercept": [1]}),
    ],
)
def test_safetensors_headers(rel: str, shapes: dict[str, list[int]]) -> None:
    data = (EXAMPLES / rel).read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    assert length % 8 == 0
    header = json.loads(data[8 : 8 + length])
    body = len(data) - 8 - length
    tensors = {k: v for k, v in header.items() if k != "__metadata__"}
    assert {k: v["shape"] for k, v in tensors.items()} == shapes
    assert {v["dtype"] for v in tensors.values()} == {"F32"}
    assert max(v["data_offsets"][1] for v in tensors.values()) == body


def _fields(buf: bytes) -> list[tuple[int, int, bytes | int]]:
    """Decode one protobuf message level: (field, wire type, value)."""
    out: list[tuple[int, int, bytes | int]] = []
    i = 0

    def varint() -> int:
        nonlocal i
        shift = result = 0
        while True:
            b = buf[i]
            i += 1
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    while i < len(buf):
        key = varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            out.append((field, wire, varint()))
        elif wire == 2:
            n = varint()
            out.append((field, wire, buf[i : i + n]))
            i += n
        else:
            raise AssertionError(f"unexpected wire type {wire}")
    return out


@pytest.mark.parametrize(
    ("rel", "n_features"),
    [
        ("sentiment-api/hardened/models/sentiment/model.onnx", 5),
        ("credit-fraud-platform/hardened/models/credit/model.onnx", 6),
        ("registry-hardening/hardened/models/churn-classifier/model.onnx", 4),
        ("registry-hardening/hardened/models/demand-forecast/model.onnx", 7),
    ],
)
def test_onnx_models_are_small_logistic_graphs(rel: str, n_features: int) -> None:
    top = _fields((EXAMPLES / rel).read_bytes())
    assert (1, 0, 8) in top  # ir_version 8
    graph = next(v for f, _w, v in top if f == 7)
    assert isinstance(graph, bytes)
    ops = []
    weight_len = None
    for f, _w, v in _fields(graph):
        if f == 1:  # node
            assert isinstance(v, bytes)
            ops.append(next(val for ff, _ww, val in _fields(v) if ff == 4))
        if f == 5:  # initializer
            assert isinstance(v, bytes)
            init = {ff: val for ff, _ww, val in _fields(v)}
            if init[8] == b"W":
                weight_len = len(init[9])  # type: ignore[arg-type]
    assert ops == [b"MatMul", b"Add", b"Sigmoid"]
    assert weight_len == 4 * n_features
