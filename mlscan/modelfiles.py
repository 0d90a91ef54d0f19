"""Model artifact discovery, shared by the artifact-safety and signature collectors.

A *model artifact* is either a single weight file (by extension) or a model directory
(an MLflow model with ``MLmodel``, or a TensorFlow SavedModel with ``saved_model.pb``).
Files inside a model directory belong to that directory's artifact for signing, and are
still listed one by one for content analysis. Git-ignored files are included on purpose:
DVC and git-lfs keep model weights out of git, and they are exactly what must be checked.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlscan.workspace import Workspace

MODEL_EXTENSIONS: dict[str, str] = {
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "joblib",
    ".pt": "pytorch",
    ".pth": "pytorch",
    ".bin": "pytorch",
    ".ckpt": "pytorch",
    ".npy": "numpy",
    ".npz": "numpy",
    ".safetensors": "safetensors",
    ".onnx": "onnx",
    ".h5": "keras-h5",
    ".hdf5": "keras-h5",
    ".keras": "keras",
    ".gguf": "gguf",
    ".ubj": "xgboost-ubj",
    ".model": "model",
}
# JSON files are model files only under model-like folders or with a model-like name.
JSON_MODEL_HINTS = ("model", "booster", "xgb", "lgbm", "lightgbm")
MODEL_DIR_HINTS = ("models", "model", "artifacts", "checkpoints", "weights")
# Signature files sit beside models; they are never models themselves.
SIGNATURE_SUFFIXES = (".sig", ".sigstore.json", ".sigstore", ".sig.json")
DIR_MARKERS = {"MLmodel": "mlflow", "saved_model.pb": "savedmodel"}


@dataclass(frozen=True, kw_only=True, order=True)
class ModelArtifact:
    path: str  # file or directory, relative to the root
    kind: str  # "file" or "dir"
    format: str  # pickle, pytorch, safetensors, mlflow, savedmodel, ...
    members: tuple[str, ...] = ()  # files of a directory artifact


def _is_json_model(path: str) -> bool:
    p = PurePosixPath(path)
    if p.suffix.lower() != ".json":
        return False
    name = p.name.lower()
    if name.endswith((".sigstore.json", ".sig.json")) or name in ("package.json", "tsconfig.json"):
        return False
    parts = [part.lower() for part in p.parts[:-1]]
    return any(h in name for h in JSON_MODEL_HINTS) and any(
        part in MODEL_DIR_HINTS for part in parts
    )


def discover_models(ws: Workspace, required: tuple[str, ...] = ()) -> tuple[ModelArtifact, ...]:
    files = [f.path for f in ws.candidates(include_ignored=True)]
    dir_roots: dict[str, str] = {}
    for path in files:
        p = PurePosixPath(path)
        fmt = DIR_MARKERS.get(p.name)
        if fmt is not None:
            parent = str(p.parent) if str(p.parent) != "." else ""
            if parent:
                dir_roots[parent] = fmt
    artifacts: list[ModelArtifact] = []
    members: dict[str, list[str]] = {d: [] for d in dir_roots}
    for path in files:
        owner = _owning_dir(path, dir_roots)
        if owner is not None:
            members[owner].append(path)
            continue
        suffix = PurePosixPath(path).suffix.lower()
        fmt = MODEL_EXTENSIONS.get(suffix)
        if fmt == "model" and not _under_model_dir(path):
            fmt = None
        if fmt is None and _is_json_model(path):
            fmt = "json-model"
        if (
            fmt is None
            and required
            and not path.endswith(SIGNATURE_SUFFIXES)
            and any(fnmatch.fnmatchcase(path, g) for g in required)
        ):
            fmt = "other"
        if fmt is not None:
            artifacts.append(ModelArtifact(path=path, kind="file", format=fmt))
    for d, fmt in dir_roots.items():
        artifacts.append(
            ModelArtifact(path=d, kind="dir", format=fmt, members=tuple(sorted(members[d])))
        )
    return tuple(sorted(artifacts))


def _owning_dir(path: str, dir_roots: dict[str, str]) -> str | None:
    parent = PurePosixPath(path).parent
    while str(parent) not in ("", "."):
        if str(parent) in dir_roots:
            return str(parent)
        parent = parent.parent
    return None


def _under_model_dir(path: str) -> bool:
    return any(part.lower() in MODEL_DIR_HINTS for part in PurePosixPath(path).parts[:-1])
