"""The ``artifacts`` family: static safety analysis of model files and MLflow MLmodel files.

Model files come from ``artifacts.discovery.discover_models`` (single files and the files of
model directories, the scan root included) and from content sniffing
(``discovery.content_candidates``: named files, model folders, MLflow and DVC outputs). Each
is analysed by content (``files``) without ever being deserialised; hashes come from the
shared digest service. ``MLmodel`` files become ``mlmodels`` facts (``mlmodel``).
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Literal

from mlscan.collectors.artifacts.discovery import (
    MODEL_EXTENSIONS,
    ROOT_MODEL,
    ModelArtifact,
    content_candidates,
    discover_models,
    root_model_format,
)
from mlscan.collectors.artifacts.files import (
    COMPATIBLE,
    HEAD_BYTES,
    PICKLE_BASED,
    UNKNOWN_CONTENT,
    AnalysisLimits,
    FileAnalysis,
    analyse_file,
    sniff,
)
from mlscan.collectors.artifacts.keras import keras_metadata_lambdas, tf_file_ops
from mlscan.collectors.artifacts.mlmodel import mlmodel_fact
from mlscan.collectors.artifacts.pickles import Buffer, buffer_of
from mlscan.collectors.base import (
    CollectContext,
    CollectorOutput,
    file_failed,
    line_loc,
    notification,
)
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.workspace import Workspace

SOURCE = "artifacts"
DEFAULT_MAX_ANALYSIS_BYTES = 256 * 1024 * 1024
GRAPH_FILES = {"saved_model.pb": "tf-savedmodel", "keras_metadata.pb": "keras-metadata"}


def limits_from(ctx: CollectContext, ws: Workspace) -> AnalysisLimits:
    lim = ctx.config.limits
    max_bytes = int(getattr(lim, "max_model_analysis_bytes", DEFAULT_MAX_ANALYSIS_BYTES))
    return AnalysisLimits(timeout=float(lim.model_analysis_timeout),
                          max_bytes=min(max_bytes, ws.options.max_file_size),
                          max_zip_members=int(lim.max_zip_members),
                          max_zip_ratio=int(lim.max_zip_ratio))


class ArtifactsCollector:
    family = "artifacts"

    def applies(self, ws: Workspace) -> bool:
        return True  # content decides: any file may turn out to be a model

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        models = discover_models(ws, ctx.config.signing.required)
        root_fmt = root_model_format(ws)
        limits = limits_from(ctx, ws)
        targets = _targets(models)
        if root_fmt is not None:  # the scan root is itself a model directory
            owned = {m for a in models if a.kind == "dir" for m in a.members}
            for f in ws.candidates(include_ignored=True):
                fmt = declared_format(f.path)
                if fmt is not None and f.path not in owned and "/" not in f.path:
                    targets.append((f.path, fmt, ROOT_MODEL))
        named = {t[0] for t in targets}
        for path in content_candidates(ws, models, dvc_outputs(ws, ctx)):
            if path not in named and _sniffed(ws, path):
                targets.append((path, "sniffed", _model_dir_of(path, models, root_fmt)))
        targets.sort(key=lambda t: t[0])
        with contextlib.suppress(FileReadError):  # kept by the service; raised per file below
            ctx.digests.prefetch(p for p, _, _ in targets)
        files: list[dict[str, Any]] = []
        notes: list[Notification] = []
        for path, declared, model_dir in targets:
            try:
                fact, note = _analyse(ws, ctx, path, declared, model_dir, limits)
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(path, SOURCE, exc))
                continue
            if declared == "sniffed" and not _is_model(fact):
                continue  # looked like a container, is not a model file
            files.append(fact)
            if note is not None:
                notes.append(note)
        mlmodels: list[dict[str, Any]] = []
        mlflow_dirs = [a.path for a in models if a.kind == "dir" and a.format == "mlflow"]
        if root_fmt == "mlflow":
            mlflow_dirs.append(ROOT_MODEL)
        for d in mlflow_dirs:
            rel_m = "MLmodel" if d == ROOT_MODEL else f"{d}/MLmodel"
            try:
                fact_m, m_notes = mlmodel_fact(ws, rel_m, ctx.parsed)
            except Exception as exc:  # one bad file must not cost the others
                fact_m, m_notes = None, [file_failed(rel_m, SOURCE, exc)]
            notes.extend(m_notes)
            if fact_m is not None:
                mlmodels.append(fact_m)
        read = sorted({f["path"] for f in files} | {m["path"] for m in mlmodels})
        return CollectorOutput(
            facts={"files": sorted(files, key=lambda f: str(f["path"])),
                   "mlmodels": sorted(mlmodels, key=lambda m: str(m["path"]))},
            notifications=tuple(sorted(notes)),
            files=tuple(read),
        )


SNIFFED_KEPT = frozenset({"pickle", "joblib", "pytorch", "pytorch-legacy", "numpy",
                         "numpy-object", "npz", "keras", "keras-h5", "safetensors", "gguf",
                         "7z", "rar", "tar"})


def _is_model(fact: dict[str, Any]) -> bool:
    """A sniffed file is kept when it is a model format, or an archive that holds one or
    shows an import (a tar of text files, a 7z of images: not a model file)."""
    if fact["format"] in ("tar", "7z", "rar"):
        return bool(fact["pickle_members"] or fact["globals"])
    return fact["format"] in SNIFFED_KEPT


def _sniffed(ws: Workspace, path: str) -> bool:
    """Whether the first bytes of ``path`` announce a container or model format."""
    try:
        with ws.abspath(path).open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except (FileReadError, OSError):
        return False
    return sniff(head) is not None


def _model_dir_of(path: str, models: tuple[ModelArtifact, ...], root_fmt: str | None
                  ) -> str | None:
    for art in models:
        if art.kind == "dir" and path.startswith(art.path + "/"):
            return art.path
    return ROOT_MODEL if root_fmt is not None else None


_OUTS_KEY = re.compile(r"^(\s*)outs:\s*$")
_LIST_ITEM = re.compile(r"^(\s*)-\s+(?:path:\s*)?([^\s:#][^:#]*?)\s*(?::.*)?$")


def dvc_outputs(ws: Workspace, ctx: CollectContext) -> set[str]:
    """Paths DVC declares as outputs, where a model may sit whatever its name: the output
    of each ``.dvc`` file (DVC names it after its output) and the ``outs`` list items of
    ``dvc.yaml`` stages. A line scan of the text, not a YAML parse: the DVC collector owns
    parsing these files and their errors; a form this scan misses only means a file is
    not sniffed."""
    out: set[str] = set()
    for f in ws.candidates(include_ignored=True):
        name = PurePosixPath(f.path).name
        if name.endswith(".dvc") and name != ".dvc":
            out.add(f.path[: -len(".dvc")])
        if name != "dvc.yaml":
            continue
        text = ctx.parsed.text(f.path)
        if text is None:
            continue
        base = str(PurePosixPath(f.path).parent)
        indent: int | None = None
        for line in text.splitlines()[:20_000]:
            key = _OUTS_KEY.match(line)
            if key:
                indent = len(key.group(1))
                continue
            if indent is None or not line.strip() or line.lstrip().startswith("#"):
                continue
            item = _LIST_ITEM.match(line)
            if item and len(item.group(1)) >= indent:
                raw = item.group(2).strip("'\"")
                out.add((raw if base == "." else f"{base}/{raw}").rstrip("/"))
            elif len(line) - len(line.lstrip()) <= indent:
                indent = None
    return out


def _targets(models: tuple[ModelArtifact, ...]) -> list[tuple[str, str, str | None]]:
    """(path, declared format, model dir) for every file to analyse."""
    out: dict[str, tuple[str, str, str | None]] = {}
    for art in models:
        if art.kind == "file":
            out[art.path] = (art.path, art.format, None)
            continue
        for member in art.members:
            fmt = declared_format(member)
            if fmt is not None:
                out[member] = (member, fmt, art.path)
    return [out[k] for k in sorted(out)]


def declared_format(path: str) -> str | None:
    """The format a model directory member declares by its name (None: not a model file)."""
    name = PurePosixPath(path).name
    if name in GRAPH_FILES:
        return GRAPH_FILES[name]
    fmt = MODEL_EXTENSIONS.get(PurePosixPath(path).suffix.lower())
    return fmt if fmt is not None and fmt != "model" else None


def analyse_open_file(fh: BinaryIO, size: int, declared: str, limits: AnalysisLimits
                      ) -> FileAnalysis:
    """Static analysis of one open model file; never raises for bad content."""
    try:
        if declared in GRAPH_FILES.values():
            with buffer_of(fh, size) as buf:
                return _graph_file(buf, declared, limits)
        return analyse_file(fh, size, declared, limits)
    except FileReadError as exc:
        return FileAnalysis(format=declared, unanalysed_reason=exc.reason)
    except OSError as exc:
        return FileAnalysis(format=declared, unanalysed_reason=f"cannot be read ({exc})")
    except Exception as exc:  # one bad file must never cost the other findings
        return FileAnalysis(format=declared,
                            unanalysed_reason=f"analysis failed ({type(exc).__name__}: {exc})")


def unanalysed_note(path: str, result: FileAnalysis) -> Notification | None:
    if result.unanalysed_reason is None:
        return None
    if result.unreadable_members and "(limits." not in result.unanalysed_reason:
        return None  # an unreadable model container is a finding (MLS-MOD-008), not a note
    # a member cut by a limit is a finding (MLS-MOD-008) and the bound that was hit is a
    # warning notification, as for every other limit
    # unknown content (a tokenizer .model, a fastText .bin) is a note; a pickle that
    # could not be analysed to the end, or a file over a limit, is a warning
    level: Literal["note", "warning"] = (
        "note" if result.unanalysed_reason.startswith(UNKNOWN_CONTENT) else "warning")
    return notification(path, f"model file not fully analysed: {result.unanalysed_reason}",
                        SOURCE, kind="model-unanalysed", level=level)


def _analyse(ws: Workspace, ctx: CollectContext, path: str, declared: str,
             model_dir: str | None, limits: AnalysisLimits
             ) -> tuple[dict[str, Any], Notification | None]:
    fact: dict[str, Any] = {
        "path": path, "declared_format": declared, "model_dir": model_dir,
        "size": None, "sha256": None, "loc": line_loc(path),
    }
    try:
        digest = ctx.digests.digest(path)
        fact["size"], fact["sha256"] = digest.size, digest.sha256
        real = ws.abspath(path)
        with real.open("rb") as fh:
            result = analyse_open_file(fh, digest.size, declared, limits)
    except FileReadError as exc:
        result = FileAnalysis(format=declared, unanalysed_reason=exc.reason)
    except OSError as exc:
        result = FileAnalysis(format=declared, unanalysed_reason=f"cannot be read ({exc})")
    fact.update(file_fields(result, declared))
    return fact, unanalysed_note(path, result)


def _graph_file(data: Buffer, declared: str, limits: AnalysisLimits) -> FileAnalysis:
    if declared == "tf-savedmodel":
        ops = tf_file_ops(data, limits.max_bytes)
        return FileAnalysis(format=declared, header={"tf_file_ops": ops},
                            engines=("protobuf-byte-scan",))
    layers = keras_metadata_lambdas(data, limits.max_bytes, time.monotonic() + limits.timeout)
    return FileAnalysis(format=declared, lambda_layers=tuple(sorted(set(layers))),
                        engines=("keras-metadata-scan",))


def file_fields(result: FileAnalysis, declared: str) -> dict[str, Any]:
    """The fact fields of one analysed file: what was seen, never a verdict (the controls
    classify ``globals`` and ``keras_objects`` with rego/lib/model_files.rego)."""
    ops = list(result.header.get("tf_file_ops", []))
    header = {k: v for k, v in result.header.items() if k != "tf_file_ops"}
    compatible = COMPATIBLE.get(declared)
    mismatch = (compatible is not None and result.unanalysed_reason is None
                and result.format not in compatible)
    return {
        "format": result.format,
        "format_mismatch": mismatch,
        "found_by": "content" if declared == "sniffed" else "name",
        "pickle_based": result.pickle_based or result.format in PICKLE_BASED,
        "globals": [
            {"module": g.module, "name": g.name, "opcodes": list(g.opcodes),
             "sources": list(g.sources), "picklescan": g.picklescan}
            for g in result.globals
        ],
        "lambda_layers": list(result.lambda_layers),
        "tf_file_ops": ops,
        "keras_objects": [
            {"module": m, "class_name": c, "registered_name": r, "at": at}
            for m, c, r, at in result.keras_objects
        ],
        "container": result.container,
        "container_anomalies": list(result.container_anomalies),
        "unreadable_members": [{"member": m, "reason": r} for m, r in result.unreadable_members],
        "pickle_members": list(result.pickle_members),
        "analysis": header,
        "engines": list(result.engines),
        "engine_errors": [{"engine": e, "error": why} for e, why in result.engine_errors],
        "unanalysed_reason": result.unanalysed_reason,
    }
