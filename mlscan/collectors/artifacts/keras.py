"""Keras and TensorFlow model configs, read as data.

* ``.keras`` (Keras 3) is a zip whose ``config.json`` describes the layers.
* ``.h5`` (Keras 2) keeps the same JSON in the HDF5 attribute ``model_config``. h5py is not
  a dependency: the attribute's value is stored as a plain string inside the file, so a
  bounded byte search for ``{"class_name": ...}`` followed by a JSON parse of what starts
  there recovers it (at most 64 candidate offsets, 16 MiB each, within the time budget).
  This is a heuristic: a config stored compressed or split across HDF5 heap blocks is not
  found (the fact ``model_config_found`` says so).
* ``saved_model.pb`` / ``keras_metadata.pb``: a bounded byte search for the protobuf
  encoding of the op names that read or write files or call back into Python
  (``NodeDef.op`` is field 2: tag byte 0x12, a length byte, then the name). Heuristic too:
  an op name split across a compressed block is missed.

A ``Lambda`` layer carries marshalled Python bytecode that runs when the model is loaded
(unless Keras' ``safe_mode`` refuses it).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from mlscan.collectors.artifacts.pickles import Buffer

LAMBDA_CLASSES = frozenset({"Lambda"})
TF_FILE_OPS = (
    "ReadFile", "WriteFile", "MatchingFiles", "PyFunc", "PyFuncStateless", "EagerPyFunc",
    "ImmutableConst",
)
_CONFIG_START = b'{"class_name"'
_MAX_CONFIG = 16 * 1024 * 1024
_MAX_ATTEMPTS = 64
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


KerasObject = tuple[str, str, str | None, str]  # module, class_name, registered_name, at
_MAX_OBJECTS = 1000


def find_keras_objects(config: Any) -> list[KerasObject]:
    """Every object reference in a Keras config that names a Python module: a dict with a
    ``module`` string, or a ``class_name`` / ``registered_name`` written as a dotted path.
    Keras imports that module and takes the class or function from it (CVE-2025-1550)."""
    found: list[KerasObject] = []
    stack: list[tuple[Any, int, str]] = [(config, 0, "$")]
    while stack and len(found) < _MAX_OBJECTS:
        node, depth, at = stack.pop()
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, dict):
            cls = node.get("class_name")
            mod = node.get("module")
            reg = node.get("registered_name")
            reg = reg if isinstance(reg, str) else None
            if isinstance(cls, str) and isinstance(mod, str):
                found.append((mod, cls, reg, at))
            elif isinstance(cls, str) and "." in cls and not cls.startswith("__"):
                head, _, tail = cls.rpartition(".")
                found.append((head, tail, reg, at))
            if reg is not None and "." in reg.split(">", 1)[-1] and not isinstance(mod, str):
                head, _, tail = reg.split(">", 1)[-1].rpartition(".")
                found.append((head, tail, reg, at))
            stack.extend((v, depth + 1, f"{at}.{k}") for k, v in node.items()
                         if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend((v, depth + 1, f"{at}[{i}]") for i, v in enumerate(node)
                         if isinstance(v, dict | list))
    return found


def _json_objects(data: Buffer, end: int, deadline: float, limit: int) -> Iterator[Any]:
    """Parsed JSON objects that start with ``{"class_name"`` in ``data``.

    ``json.JSONDecoder.raw_decode`` (C-accelerated) parses one value and ignores what
    follows, so binary bytes after the config do not matter. Attempts, the span decoded per
    attempt and the time are bounded.
    """
    decoder = json.JSONDecoder()
    pos = data.find(_CONFIG_START, 0, end)
    attempts = 0
    while pos >= 0 and attempts < _MAX_ATTEMPTS and time.monotonic() < deadline:
        attempts += 1
        text = bytes(data[pos:min(end, pos + _MAX_CONFIG)]).decode("utf-8", "replace")
        try:
            value, stop = decoder.raw_decode(text)
        except (ValueError, RecursionError):
            pos = data.find(_CONFIG_START, pos + 1, end)
            continue
        yield value
        found = len(text[:stop].encode("utf-8", "replace"))
        pos = data.find(_CONFIG_START, pos + max(found, 1), end)
        if limit and attempts >= limit:
            return


def h5_model_configs(data: Buffer, limit: int, deadline: float) -> list[Any]:
    """Keras model configs found in the first ``limit`` bytes of an HDF5 file (mapped)."""
    return list(_json_objects(data, min(limit, len(data)), deadline, 8))


def tf_file_ops(data: Buffer, limit: int) -> list[str]:
    """File-I/O and Python-callback op names encoded as ``NodeDef.op`` in a GraphDef."""
    found = []
    end = min(limit, len(data))
    for op in TF_FILE_OPS:
        token = b"\x12" + bytes([len(op)]) + op.encode()
        if data.find(token, 0, end) >= 0:
            found.append(op)
    return sorted(found)


def keras_metadata_lambdas(data: Buffer, limit: int, deadline: float) -> list[str]:
    """Lambda layers named in a SavedModel's ``keras_metadata.pb`` (JSON strings inside)."""
    layers: list[str] = []
    for value in _json_objects(data, min(limit, len(data)), deadline, 0):
        layers.extend(find_lambda_layers(value))
    return layers
