"""Keras and TensorFlow model configs, read as data.

* ``.keras`` (Keras 3) is a zip whose ``config.json`` describes the layers.
* ``.h5`` (Keras 2) keeps the same JSON in the HDF5 attribute ``model_config``. h5py is not
  a dependency: the attribute's value is stored as a plain string inside the file, so a
  bounded byte search for ``{"class_name": ...}`` followed by string-aware brace matching
  recovers it. This is a heuristic: a config stored compressed or split across HDF5
  heap blocks is not found (the fact ``model_config_found`` says so).
* ``saved_model.pb`` / ``keras_metadata.pb``: a bounded byte search for the protobuf
  encoding of the op names that read or write files or call back into Python
  (``NodeDef.op`` is field 2: tag byte 0x12, a length byte, then the name). Heuristic too:
  an op name split across a compressed block is missed.

A ``Lambda`` layer carries marshalled Python bytecode that runs when the model is loaded
(unless Keras' ``safe_mode`` refuses it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

LAMBDA_CLASSES = frozenset({"Lambda"})
TF_FILE_OPS = (
    "ReadFile", "WriteFile", "MatchingFiles", "PyFunc", "PyFuncStateless", "EagerPyFunc",
    "ImmutableConst",
)
_CONFIG_START = b'{"class_name"'
_MAX_CONFIG = 32 * 1024 * 1024
_MAX_DEPTH = 200


def find_lambda_layers(config: Any) -> list[str]:
    """Names of Lambda layers anywhere in a Keras model config (iterative, depth-bounded)."""
    found: list[str] = []
    stack: list[tuple[Any, int]] = [(config, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, dict):
            if node.get("class_name") in LAMBDA_CLASSES:
                cfg = node.get("config")
                name = cfg.get("name") if isinstance(cfg, dict) else None
                found.append(str(name) if name else "<unnamed>")
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return found


def _balanced_json(data: bytes, start: int) -> bytes | None:
    """The JSON object starting at ``start`` (string-aware brace matching), or None."""
    depth = 0
    in_str = False
    escape = False
    end = min(len(data), start + _MAX_CONFIG)
    for i in range(start, end):
        c = data[i]
        if in_str:
            if escape:
                escape = False
            elif c == 0x5C:
                escape = True
            elif c == 0x22:
                in_str = False
        elif c == 0x22:
            in_str = True
        elif c == 0x7B:
            depth += 1
        elif c == 0x7D:
            depth -= 1
            if depth == 0:
                return data[start:i + 1]
        elif c == 0:
            return None
    return None


def h5_model_configs(fh: BinaryIO, limit: int) -> list[Any]:
    """Keras model configs found in the first ``limit`` bytes of an HDF5 file."""
    fh.seek(0)
    data = fh.read(limit)
    configs: list[Any] = []
    pos = data.find(_CONFIG_START)
    while pos >= 0 and len(configs) < 8:
        raw = _balanced_json(data, pos)
        if raw is not None:
            try:
                configs.append(json.loads(raw.decode("utf-8")))
            except (UnicodeDecodeError, ValueError, RecursionError):
                pass
            else:
                pos = data.find(_CONFIG_START, pos + len(raw))
                continue
        pos = data.find(_CONFIG_START, pos + 1)
    return configs


def tf_file_ops(data: bytes) -> list[str]:
    """File-I/O and Python-callback op names encoded as ``NodeDef.op`` in a GraphDef."""
    found = []
    for op in TF_FILE_OPS:
        token = b"\x12" + bytes([len(op)]) + op.encode()
        if token in data:
            found.append(op)
    return sorted(found)


def keras_metadata_lambdas(data: bytes) -> list[str]:
    """Lambda layers named in a SavedModel's ``keras_metadata.pb`` (JSON strings inside)."""
    layers: list[str] = []
    for raw in _iter_json_objects(data):
        try:
            layers.extend(find_lambda_layers(json.loads(raw.decode("utf-8"))))
        except (UnicodeDecodeError, ValueError, RecursionError):
            continue
    return layers


def _iter_json_objects(data: bytes) -> Iterator[bytes]:
    pos = data.find(_CONFIG_START)
    count = 0
    while pos >= 0 and count < 10_000:
        count += 1
        raw = _balanced_json(data, pos)
        if raw is not None:
            yield raw
            pos = data.find(_CONFIG_START, pos + len(raw))
        else:
            pos = data.find(_CONFIG_START, pos + 1)
