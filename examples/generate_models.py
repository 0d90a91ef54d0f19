#!/usr/bin/env python3
"""Write the model files of the example projects.

Standard library only, deterministic and idempotent: the same bytes on every run and
every platform. Nothing here ever loads a model, and the malicious pickles are
assembled opcode by opcode: no callable object is ever pickled. Their payloads would
only create the marker file ``/tmp/mlscan-example-marker`` if someone loaded them.

    python examples/generate_models.py            # rewrite the committed files
    python examples/generate_models.py --out DIR  # write the same tree under DIR
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import pickle
import random
import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = "/tmp/mlscan-example-marker"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# ------------------------------------------------------------------ pickle opcodes
class Ops:
    """A tiny pickle assembler: each method appends one opcode."""

    def __init__(self, protocol: int) -> None:
        self.protocol = protocol
        self.buf = bytearray(b"\x80" + bytes([protocol]))  # PROTO

    def raw(self, data: bytes) -> Ops:
        self.buf += data
        return self

    def global_(self, module: str, name: str) -> Ops:  # GLOBAL
        return self.raw(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def stack_global(self, module: str, name: str) -> Ops:  # STACK_GLOBAL (protocol 4)
        return self.string(module).string(name).raw(b"\x93")

    def string(self, value: str) -> Ops:
        data = value.encode("utf-8")
        if self.protocol >= 4 and len(data) < 256:
            return self.raw(b"\x8c" + bytes([len(data)]) + data)  # SHORT_BINUNICODE
        return self.raw(b"X" + struct.pack("<I", len(data)) + data)  # BINUNICODE

    def value(self, obj: object) -> Ops:
        """Plain data only: None, bool, small int, float, str, list, dict."""
        if obj is None:
            return self.raw(b"N")
        if obj is True:
            return self.raw(b"\x88")
        if obj is False:
            return self.raw(b"\x89")
        if isinstance(obj, int) and 0 <= obj < 256:
            return self.raw(b"K" + bytes([obj]))  # BININT1
        if isinstance(obj, int):
            return self.raw(b"J" + struct.pack("<i", obj))  # BININT
        if isinstance(obj, float):
            return self.raw(b"G" + struct.pack(">d", obj))  # BINFLOAT
        if isinstance(obj, str):
            return self.string(obj)
        if isinstance(obj, tuple):
            self.raw(b"(")
            for item in obj:
                self.value(item)
            return self.raw(b"t")
        if isinstance(obj, list):
            self.raw(b"]")
            if obj:
                self.raw(b"(")
                for item in obj:
                    self.value(item)
                self.raw(b"e")  # APPENDS
            return self
        if isinstance(obj, dict):
            self.raw(b"}")
            if obj:
                self.raw(b"(")
                for key, item in obj.items():
                    self.value(key).value(item)
                self.raw(b"u")  # SETITEMS
            return self
        raise TypeError(f"not plain data: {type(obj).__name__}")

    def call1(self, arg: object) -> Ops:
        return self.value(arg).raw(b"\x85R")  # TUPLE1, REDUCE

    def stop(self) -> bytes:
        return bytes(self.buf + b".")


def _weights(seed: int, n: int) -> list[float]:
    rng = random.Random(seed)
    return [round(rng.uniform(-1.5, 1.5), 4) for _ in range(n)]


def sklearn_params(seed: int, features: list[str], classes: list[str]) -> dict[str, object]:
    return {
        "estimator": "LogisticRegression",
        "feature_names_in_": features,
        "classes_": classes,
        "coef_": [_weights(seed, len(features))],
        "intercept_": _weights(seed + 1, 1),
        "C": 1.0,
        "max_iter": 200,
    }


SENTIMENT_FEATURES = ["n_tokens", "pos_hits", "neg_hits", "exclamations", "stars_hint"]
CHURN_FEATURES = ["tenure_months", "monthly_spend", "support_tickets", "plan_premium"]
CREDIT_FEATURES = ["income", "debt_ratio", "age_band", "late_payments", "credit_lines", "tenure"]


# ------------------------------------------------------------- malicious pickles
def sentiment_model_pkl() -> bytes:
    """Protocol 2: GLOBAL os.system + REDUCE, then the real-looking parameters."""
    ops = Ops(2).global_("os", "system").call1(f"touch {MARKER}").raw(b"0")  # POP
    params = sklearn_params(11, SENTIMENT_FEATURES, ["negative", "positive"])
    return ops.value(params).stop()


def credit_model_joblib() -> bytes:
    """Protocol 4: STACK_GLOBAL builtins.exec + REDUCE, then the parameters."""
    code = f"open({MARKER!r}, 'w').close()"
    ops = Ops(4).stack_global("builtins", "exec").call1(code).raw(b"0")
    params = sklearn_params(23, CREDIT_FEATURES, ["repaid", "default"])
    return ops.value(params).stop()


def churn_model_pkl_signed() -> bytes:
    """The churn classifier as it was signed: a scikit-learn object, no payload."""
    ops = Ops(2).global_("sklearn.linear_model._logistic", "LogisticRegression")
    ops.raw(b")\x81")  # EMPTY_TUPLE, NEWOBJ
    ops.value(sklearn_params(31, CHURN_FEATURES, ["stays", "churns"])).raw(b"b")  # BUILD
    return ops.stop()


def churn_model_pkl_tampered() -> bytes:
    """The same object after someone slipped a builtins.eval payload in front of it."""
    expr = f"__import__('pathlib').Path({MARKER!r}).touch()"
    ops = Ops(2).global_("builtins", "eval").call1(expr).raw(b"0")
    ops.global_("sklearn.linear_model._logistic", "LogisticRegression").raw(b")\x81")
    ops.value(sklearn_params(31, CHURN_FEATURES, ["stays", "churns"])).raw(b"b")
    return ops.stop()


def forecast_python_model_pkl() -> bytes:
    """A cloudpickled-by-reference custom pyfunc model (pickle, but no dangerous global)."""
    ops = Ops(4).stack_global("forecast.model", "SeasonalNaiveForecaster").raw(b")\x81")
    state = {"season_length": 7, "horizon": 14, "level": _weights(41, 7)}
    return ops.value(state).raw(b"b").stop()


# ---------------------------------------------------------------- benign pickles
def registry_model_pkl_recorded() -> bytes:
    """Plain-data parameters, as `dvc.lock` recorded them (pickle.dumps on plain data)."""
    return pickle.dumps(sklearn_params(51, CHURN_FEATURES, ["stays", "churns"]), protocol=4)


def registry_model_pkl_poisoned() -> bytes:
    """The same parameters with silently altered weights (what is on disk)."""
    params = sklearn_params(51, CHURN_FEATURES, ["stays", "churns"])
    params["coef_"] = [[-4.0, 0.0, 0.0, -4.0]]
    return pickle.dumps(params, protocol=4)


# ----------------------------------------------------------- PyTorch-style zip
def _torch_tensor(ops: Ops, key: str, shape: tuple[int, ...]) -> None:
    numel = 1
    for d in shape:
        numel *= d
    stride = (shape[1], 1) if len(shape) == 2 else (1,)
    ops.global_("torch._utils", "_rebuild_tensor_v2").raw(b"(")
    ops.raw(b"(").string("storage").global_("torch", "FloatStorage")
    ops.string(key).string("cpu").value(numel).raw(b"tQ")  # TUPLE, BINPERSID
    ops.value(0).value(shape).value(stride).raw(b"\x89")  # offset, size, stride, False
    ops.global_("collections", "OrderedDict").raw(b")R")
    ops.raw(b"tR")


def fraud_model_pt() -> bytes:
    """torch.save-like zip whose data.pkl carries a subprocess.check_call payload."""
    ops = Ops(2).global_("collections", "OrderedDict").raw(b")R(")  # OrderedDict(), MARK
    ops.string("fc.weight")
    _torch_tensor(ops, "0", (1, 6))
    ops.string("fc.bias")
    _torch_tensor(ops, "1", (1,))
    ops.string("_metadata_hook").global_("subprocess", "check_call")
    ops.call1(["touch", MARKER])
    data_pkl = ops.raw(b"u").stop()  # SETITEMS
    weights = struct.pack("<6f", *_weights(61, 6))
    bias = struct.pack("<f", _weights(62, 1)[0])
    members = [
        ("archive/data.pkl", data_pkl),
        ("archive/byteorder", b"little"),
        ("archive/data/0", weights),
        ("archive/data/1", bias),
        ("archive/version", b"3\n"),
    ]
    return _zip(members)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED
            zf.writestr(info, data)
    return buf.getvalue()


# ------------------------------------------------------------------ safetensors
def safetensors(tensors: dict[str, tuple[tuple[int, ...], list[float]]],
                metadata: dict[str, str]) -> bytes:
    header: dict[str, object] = {"__metadata__": metadata}
    blobs: list[bytes] = []
    offset = 0
    for name, (shape, values) in tensors.items():
        blob = struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": list(shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def fraud_model_safetensors() -> bytes:
    return safetensors(
        {"fc.bias": ((1,), _weights(62, 1)), "fc.weight": ((1, 6), _weights(61, 6))},
        {"format": "pt", "model": "fraud-detection", "version": "7"},
    )


def registry_model_safetensors() -> bytes:
    return safetensors(
        {"coef": ((1, 4), _weights(51, 4)), "intercept": ((1,), _weights(52, 1))},
        {"format": "numpy", "model": "churn-baseline", "version": "3"},
    )


# -------------------------------------------------------------- minimal ONNX
def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field_varint(num: int, value: int) -> bytes:
    return _varint(num << 3) + _varint(value)


def _field_bytes(num: int, data: bytes | str) -> bytes:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return _varint((num << 3) | 2) + _varint(len(raw)) + raw


def _tensor_type(dims: list[int | str]) -> bytes:
    shape = b""
    for d in dims:
        dim = _field_bytes(2, d) if isinstance(d, str) else _field_varint(1, d)
        shape += _field_bytes(1, dim)
    tensor = _field_varint(1, 1) + _field_bytes(2, shape)  # elem_type FLOAT, shape
    return _field_bytes(1, tensor)  # TypeProto.tensor_type


def _value_info(name: str, dims: list[int | str]) -> bytes:
    return _field_bytes(1, name) + _field_bytes(2, _tensor_type(dims))


def _initializer(name: str, dims: list[int], values: list[float]) -> bytes:
    msg = b"".join(_field_varint(1, d) for d in dims)
    msg += _field_varint(2, 1)  # data_type FLOAT
    msg += _field_bytes(8, name)
    msg += _field_bytes(9, struct.pack(f"<{len(values)}f", *values))  # raw_data
    return msg


def _node(op: str, inputs: list[str], outputs: list[str], name: str) -> bytes:
    msg = b"".join(_field_bytes(1, i) for i in inputs)
    msg += b"".join(_field_bytes(2, o) for o in outputs)
    return msg + _field_bytes(3, name) + _field_bytes(4, op)


def logistic_onnx(graph_name: str, n_features: int, seed: int) -> bytes:
    """ModelProto for sigmoid(features @ W + b), written field by field (IR 8, opset 17)."""
    graph = b"".join(
        _field_bytes(1, n)
        for n in (
            _node("MatMul", ["features", "W"], ["z0"], "matmul"),
            _node("Add", ["z0", "b"], ["logit"], "add"),
            _node("Sigmoid", ["logit"], ["probability"], "sigmoid"),
        )
    )
    graph += _field_bytes(2, graph_name)
    graph += _field_bytes(5, _initializer("W", [n_features, 1], _weights(seed, n_features)))
    graph += _field_bytes(5, _initializer("b", [1], _weights(seed + 1, 1)))
    graph += _field_bytes(11, _value_info("features", ["batch", n_features]))
    graph += _field_bytes(12, _value_info("probability", ["batch", 1]))
    model = _field_varint(1, 8)  # ir_version
    model += _field_bytes(2, "mlscan-examples") + _field_bytes(3, "1.0")
    model += _field_bytes(7, graph)
    model += _field_bytes(8, _field_varint(2, 17))  # opset_import {version: 17}
    return model


# -------------------------------------------------------------------- the tree
FILES: dict[str, Callable[[], bytes]] = {
    # insecure variants: pickle-based, some with payloads
    "sentiment-api/insecure/models/sentiment/model.pkl": sentiment_model_pkl,
    "credit-fraud-platform/insecure/models/credit/model.joblib": credit_model_joblib,
    "credit-fraud-platform/insecure/models/fraud/model.pt": fraud_model_pt,
    "registry-hardening/insecure/models/model.pkl": registry_model_pkl_poisoned,
    "registry-hardening/insecure/models/churn-classifier/model.pkl": churn_model_pkl_tampered,
    "registry-hardening/insecure/models/demand-forecast/python_model.pkl":
        forecast_python_model_pkl,
    # hardened variants: formats that carry no code
    "sentiment-api/hardened/models/sentiment/model.onnx":
        lambda: logistic_onnx("sentiment_logreg", len(SENTIMENT_FEATURES), 11),
    "credit-fraud-platform/hardened/models/credit/model.onnx":
        lambda: logistic_onnx("credit_logreg", len(CREDIT_FEATURES), 23),
    "credit-fraud-platform/hardened/models/fraud/model.safetensors": fraud_model_safetensors,
    "registry-hardening/hardened/models/model.safetensors": registry_model_safetensors,
    "registry-hardening/hardened/models/churn-classifier/model.onnx":
        lambda: logistic_onnx("churn_logreg", len(CHURN_FEATURES), 31),
    "registry-hardening/hardened/models/demand-forecast/model.onnx":
        lambda: logistic_onnx("forecast_linear", 7, 41),
}

# Bytes that are recorded somewhere (dvc.lock, a signature) but are not on disk.
RECORDED: dict[str, Callable[[], bytes]] = {
    "registry-hardening/insecure/models/model.pkl": registry_model_pkl_recorded,
    "registry-hardening/insecure/models/churn-classifier/model.pkl": churn_model_pkl_signed,
}


def build() -> dict[str, bytes]:
    return {path: make() for path, make in sorted(FILES.items())}


def write(out: Path) -> list[str]:
    changed = []
    for rel, data in build().items():
        target = out / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed.append(rel)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="root to write under")
    args = parser.parse_args(argv)
    for rel in write(args.out):
        print(f"wrote {rel}")
    for rel, data in build().items():
        print(f"{hashlib.md5(data).hexdigest()}  {len(data):6d}  {rel}")  # noqa: S324
    return 0


if __name__ == "__main__":
    sys.exit(main())
