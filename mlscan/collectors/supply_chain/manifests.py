"""Model sources declared outside Python: serving manifests (KServe ``storageUri``, Seldon
``modelUri``), the SageMaker Hugging Face container's ``HF_MODEL_ID`` /
``HF_MODEL_REVISION`` environment (YAML, Terraform, CloudFormation, Python dicts), and
``pip install git+...`` in Dockerfiles and requirements files."""

from __future__ import annotations

import ast
import re
from typing import Any

from mlscan.collectors.base import line_loc
from mlscan.sourcemap import Node

STORAGE_KEYS = frozenset({"storageUri", "storageUris", "modelUri", "model_uri", "modelUrl"})
_PIP_GIT = re.compile(r"git\+(?:https?|ssh|git)://[^\s'\"#]+|git\+git@[^\s'\"#]+")
_HF_ID = re.compile(r"[\"']?HF_MODEL_ID[\"']?\s*[:=]\s*[\"']?([^\"'\s,}]*)")
_HF_REV = re.compile(r"HF_MODEL_REVISION")


def storage_uris(rel: str, docs: list[Node]) -> list[dict[str, Any]]:
    """Model URIs of serving resources, with the resource kind and name."""
    out: list[dict[str, Any]] = []
    for doc in docs:
        if doc.kind != "map":
            continue
        kind = doc.get_str("kind") or ""
        meta = doc.get("metadata")
        name = (meta.get_str("name") if meta is not None and meta.kind == "map" else None) or ""
        for node in doc.walk():
            if node.kind != "map":
                continue
            for key, child in node.items():
                uri = child.get("uri") if key == "model" and child.kind == "map" else None
                if uri is not None:
                    key, child = "model.uri", uri  # KServe LLMInferenceService
                elif key not in STORAGE_KEYS:
                    continue
                for item in child.children if child.kind == "seq" else [child]:
                    if isinstance(item.value, str) and item.value:
                        out.append(
                            {
                                "uri": item.value,
                                "key": key,
                                "resource_kind": kind,
                                "resource": name,
                                "format": model_format(item.value),
                                "loc": item.span.loc(rel),
                            }
                        )
    return out


def model_format(uri: str) -> str | None:
    """The serialisation format told by the URI's file name (None for a folder)."""
    tail = uri.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1].lower()
    for suffixes, fmt in (
        ((".pkl", ".pickle", ".joblib", ".dill"), "pickle"),
        ((".pt", ".pth", ".bin", ".ckpt"), "torch"),
        ((".h5", ".keras", ".hdf5"), "keras"),
        ((".safetensors",), "safetensors"),
        ((".onnx",), "onnx"),
        ((".gguf",), "gguf"),
        ((".zip", ".tar.gz", ".tgz", ".tar"), "archive"),
    ):
        if tail.endswith(suffixes):
            return fmt
    return None


def hf_env_yaml(rel: str, docs: list[Node]) -> list[dict[str, Any]]:
    """``HF_MODEL_ID`` in a Kubernetes env list or a compose / CloudFormation env map."""
    out: list[dict[str, Any]] = []
    for doc in docs:
        for node in doc.walk():
            if node.kind == "seq":
                names = {c.get_str("name"): c for c in node.children if c.kind == "map"}
                if "HF_MODEL_ID" in names:
                    item = names["HF_MODEL_ID"]
                    out.append(
                        _hf(
                            rel,
                            item.get_str("value"),
                            "HF_MODEL_REVISION" in names,
                            item.span.loc(rel),
                        )
                    )
            elif node.kind == "map":
                value = node.get("HF_MODEL_ID")
                if value is not None:
                    out.append(
                        _hf(
                            rel,
                            value.value if isinstance(value.value, str) else None,
                            node.get("HF_MODEL_REVISION") is not None,
                            (value.key_span or value.span).loc(rel),
                        )
                    )
    return out


def hf_env_python(rel: str, tree: ast.Module, line_map: Any = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        keys = {
            k.value: (k, v)
            for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }
        if "HF_MODEL_ID" in keys:
            key, value = keys["HF_MODEL_ID"]
            model = (
                value.value
                if isinstance(value, ast.Constant) and isinstance(value.value, str)
                else None
            )
            line = line_map(key.lineno) if line_map is not None else key.lineno
            out.append(
                _hf(
                    rel, model, "HF_MODEL_REVISION" in keys, line_loc(rel, line, key.col_offset + 1)
                )
            )
    return out


def hf_env_text(rel: str, text: str) -> list[dict[str, Any]]:
    """Terraform / HCL: ``HF_MODEL_ID = "..."`` and a ``HF_MODEL_REVISION`` in the same
    ``{ ... }`` block."""
    out: list[dict[str, Any]] = []
    for m in _HF_ID.finditer(text):
        start = text.rfind("{", 0, m.start())
        depth, end = 0, len(text)
        for i in range(max(start, 0), len(text)):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        block = text[max(start, 0) : end]
        line = text.count("\n", 0, m.start()) + 1
        out.append(_hf(rel, m.group(1) or None, bool(_HF_REV.search(block)), line_loc(rel, line)))
    return out


def _hf(rel: str, model: str | None, has_revision: bool, loc: dict[str, Any]) -> dict[str, Any]:
    return {"model": model, "revision_set": has_revision, "loc": loc}


def pip_git(rel: str, text: str) -> list[dict[str, Any]]:
    """``git+https://host/org/repo[@ref]`` requirements in a Dockerfile or requirements file."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if line.lstrip().startswith("#"):
            continue
        for m in _PIP_GIT.finditer(line):
            url = m.group(0)
            repo, ref = url, None
            tail = url.split("://", 1)[-1]
            if "@" in tail.split("/", 1)[-1]:
                repo, ref = url.rsplit("@", 1)
                ref = ref.split("#", 1)[0]
            out.append(
                {"url": repo, "ref": ref, "loc": line_loc(rel, n, m.start() + 1, m.end() + 1)}
            )
    return out


_DOWNLOAD = re.compile(r"\b(gdown|wget|curl)\b([^\n&|;]*)")
_URL = re.compile(r"https?://[^\s'\"]+")
_MODEL_HOST = re.compile(
    r"^https?://(huggingface\.co|hf\.co|drive\.google\.com|www\.dropbox\.com)/"
)
_GDRIVE_ID = re.compile(r"(?:--id\s+|\s)([A-Za-z0-9_\-]{25,})\b")


def build_downloads(rel: str, text: str) -> list[dict[str, Any]]:
    """Models fetched while the image is built: ``RUN gdown|wget|curl <url>`` (a ``gdown``
    file id becomes its Google Drive URL). Same shape as ``storage_uris``."""
    out: list[dict[str, Any]] = []
    lines = text.split("\n")
    for n, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        for m in _DOWNLOAD.finditer(line):
            tool, rest = m.group(1), m.group(2)
            urls = _URL.findall(rest)
            if not urls and tool == "gdown":
                ids = _GDRIVE_ID.findall(rest)
                urls = [f"https://drive.google.com/uc?id={i}" for i in ids]
            for url in urls:
                fmt = model_format(url) or _output_format(rest)
                # a model, not a tool: gdown, a model file format, or a model host
                if not (tool == "gdown" or (fmt and fmt != "archive") or _MODEL_HOST.search(url)):
                    continue
                out.append(
                    {
                        "uri": url,
                        "key": f"RUN {tool}",
                        "resource_kind": "Dockerfile",
                        "resource": rel,
                        "format": fmt,
                        "loc": line_loc(rel, n, m.start() + 1, m.end() + 1),
                    }
                )
    return out


def _output_format(args: str) -> str | None:
    """The format told by an ``-O`` / ``-o`` / ``--output`` file name."""
    m = re.search(r"(?:-O|-o|--output(?:-document)?)[=\s]+(\S+)", args)
    return model_format(m.group(1)) if m else None
