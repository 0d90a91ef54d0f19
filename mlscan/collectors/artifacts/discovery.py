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

from mlscan.collectors.minio_xl import XL_META
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
DIR_MARKERS = {"MLmodel": "mlflow", "saved_model.pb": "savedmodel"}
# Never model artifacts, even when a ``signing.required`` glob names them: signatures,
# keys, VCS and DVC metadata.
SIGNATURE_SUFFIXES = (".sig", ".sigstore", ".sigstore.json", ".sig.json")
NOT_MODEL_SUFFIXES = (*SIGNATURE_SUFFIXES, ".pub", ".pem", ".crt", ".dvc")
NOT_MODEL_NAMES = frozenset({".gitignore", ".gitattributes", ".dvcignore", ".keep", ".gitkeep"})


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


def discover_models(
    ws: Workspace, required: tuple[str, ...] = (), signed_paths: tuple[str, ...] = ()
) -> tuple[ModelArtifact, ...]:
    """Model artifacts of the workspace, sorted by path.

    A directory is a model when it holds ``MLmodel`` or ``saved_model.pb``, when a
    model-signing signature sits beside it (``models/x.sig`` for ``models/x/``), or when
    ``signed_paths`` (the configured ``signing.signatures`` keys) names it.
    """
    files = [f.path for f in ws.candidates(include_ignored=True)]
    dirs = _directories(files)
    dir_roots: dict[str, str] = {}
    for path in files:
        low = path.lower()
        for suffix in SIGNATURE_SUFFIXES:
            if low.endswith(suffix) and path[: -len(suffix)] in dirs:
                dir_roots[path[: -len(suffix)]] = "directory"
    for named in signed_paths:
        d = named.strip("/")
        if d.startswith("./"):
            d = d[2:]
        if d in dirs:
            dir_roots[d] = "directory"
    for path in files:
        p = PurePosixPath(path)
        fmt = DIR_MARKERS.get(p.name)
        if fmt is not None:
            parent = str(p.parent) if str(p.parent) != "." else ""
            if parent:
                dir_roots[parent] = fmt
    # A model directory nested in another (a SavedModel inside an MLflow model) belongs to
    # the outer one: it is signed, and verified, as one tree.
    for d in sorted(dir_roots):
        if _owning_dir(d, {k: v for k, v in dir_roots.items() if k != d}) is not None:
            del dir_roots[d]
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
        if fmt is None and required and _is_candidate(path) and matches_any(path, required):
            fmt = "other"
        if fmt is not None:
            artifacts.append(ModelArtifact(path=path, kind="file", format=fmt))
    for d, fmt in dir_roots.items():
        artifacts.append(
            ModelArtifact(path=d, kind="dir", format=fmt, members=tuple(sorted(members[d])))
        )
    return tuple(sorted(artifacts))


def _directories(files: list[str]) -> set[str]:
    out: set[str] = set()
    for path in files:
        parent = PurePosixPath(path).parent
        while str(parent) not in ("", "."):
            if str(parent) in out:
                break
            out.add(str(parent))
            parent = parent.parent
    return out


def _owning_dir(path: str, dir_roots: dict[str, str]) -> str | None:
    parent = PurePosixPath(path).parent
    while str(parent) not in ("", "."):
        if str(parent) in dir_roots:
            return str(parent)
        parent = parent.parent
    return None


def is_signature_file(path: str) -> bool:
    return path.lower().endswith(SIGNATURE_SUFFIXES)


def _is_candidate(path: str) -> bool:
    name = PurePosixPath(path).name
    return name not in NOT_MODEL_NAMES and not name.lower().endswith(NOT_MODEL_SUFFIXES)


def matches_any(path: str, globs: tuple[str, ...]) -> bool:
    """``fnmatch`` semantics (``*`` crosses ``/``); ``dir/**`` also matches ``dir`` itself."""
    for g in globs:
        pattern = g.rstrip("/")
        if fnmatch.fnmatchcase(path, pattern):
            return True
        if pattern.endswith("/**") and path == pattern[:-3]:
            return True
    return False


RUN_OUTPUT_DIRS = frozenset({"mlruns", "mlartifacts"})


def in_model_location(artifact: ModelArtifact) -> bool:
    """A model directory (MLmodel, SavedModel, signed tree), or a file under a models/-like
    folder; never a run output of a local MLflow tracking store (mlruns/, mlartifacts/)."""
    parts = [p.lower() for p in PurePosixPath(artifact.path).parts]
    if any(p in RUN_OUTPUT_DIRS for p in parts):
        return False
    return artifact.kind == "dir" or _under_model_dir(artifact.path)


def _under_model_dir(path: str) -> bool:
    return any(part.lower() in MODEL_DIR_HINTS for part in PurePosixPath(path).parts[:-1])


ROOT_MODEL = "."


def root_model_format(ws: Workspace) -> str | None:
    """``mlflow`` / ``savedmodel`` when the scan root itself is a model directory (an
    ``MLmodel`` or ``saved_model.pb`` at the top), else None."""
    top = {f.path for f in ws.candidates(include_ignored=True) if "/" not in f.path}
    for marker, fmt in DIR_MARKERS.items():
        if marker in top:
            return fmt
    return None


def _under_any(path: str, prefixes: set[str]) -> bool:
    return path in prefixes or any(path.startswith(p + "/") for p in prefixes)


def content_candidates(ws: Workspace, models: tuple[ModelArtifact, ...],
                       outputs: set[str]) -> tuple[str, ...]:
    """Files whose *content* decides whether they are model files, whatever their name:
    files named explicitly on the command line, every file of a model directory (and of
    a root that is itself a model), files under models/-like folders and MLflow run
    artifacts, DVC outputs (``outputs``: declared paths, files or folders), and MinIO
    ``xl.meta`` files (a committed MinIO data directory stores small objects inline)."""
    known = {a.path for a in models if a.kind == "file"}
    dirs = {a.path for a in models if a.kind == "dir"}
    explicit = set(ws.options.only or ())
    root_is_model = root_model_format(ws) is not None
    out: list[str] = []
    for f in ws.candidates(include_ignored=True):
        path = f.path
        if path in known or not _is_candidate(path) or f.size == 0:
            continue
        parts = [p.lower() for p in PurePosixPath(path).parts[:-1]]
        if (path in explicit or root_is_model or _under_any(path, dirs)
                or _under_model_dir(path) or _under_any(path, outputs)
                or (parts and parts[0] in RUN_OUTPUT_DIRS)
                or PurePosixPath(path).name == XL_META):
            out.append(path)
    return tuple(sorted(out))


# archive and opaque extensions a model file hides behind (CVE-2025-1889 ``.pth.tar``, ...)
SNIFF_SUFFIXES = (".tar", ".dat", ".gz", ".bz2", ".xz", ".7z", ".rar")


def may_be_model_file(path: str) -> bool:
    """Whether ``path`` may hold a model, by name or by place (the content decides): a model
    extension, an archive extension, or a file under a models/-like folder."""
    suffix = PurePosixPath(path).suffix.lower()
    return (suffix in MODEL_EXTENSIONS or suffix in SNIFF_SUFFIXES
            or PurePosixPath(path).name == XL_META
            or (_is_candidate(path) and _under_model_dir(path)))
