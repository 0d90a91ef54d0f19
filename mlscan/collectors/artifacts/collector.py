"""The ``artifacts`` family: static safety analysis of model files and MLflow MLmodel files.

Model files come from ``artifacts.discovery.discover_models`` (single files and the files of
model directories). Each is analysed by content (``artifacts_files``) without ever being
deserialised; hashes come from the shared digest service. ``MLmodel`` files become
``mlmodels`` facts (``artifacts_mlmodel``).
"""

from __future__ import annotations

import contextlib
import time
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Literal

from mlscan.collectors.artifacts.discovery import MODEL_EXTENSIONS, ModelArtifact, discover_models
from mlscan.collectors.artifacts.files import (
    COMPATIBLE,
    PICKLE_BASED,
    UNKNOWN_CONTENT,
    AnalysisLimits,
    FileAnalysis,
    analyse_file,
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
        return bool(discover_models(ws))

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        models = discover_models(ws, ctx.config.signing.required)
        limits = limits_from(ctx, ws)
        targets = _targets(models)
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
            files.append(fact)
            if note is not None:
                notes.append(note)
            if "picklescan-failed" in fact.get("engines", ()):
                notes.append(notification(
                    path, "picklescan failed on this pickle; the opcode walker's and the byte "
                    "scan's findings stand", SOURCE, kind="tool-error", level="note"))
        mlmodels: list[dict[str, Any]] = []
        for art in models:
            if art.kind == "dir" and art.format == "mlflow":
                rel_m = f"{art.path}/MLmodel"
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
    ops = list(result.header.get("tf_file_ops", []))
    header = {k: v for k, v in result.header.items() if k != "tf_file_ops"}
    compatible = COMPATIBLE.get(declared)
    mismatch = (compatible is not None and result.unanalysed_reason is None
                and result.format not in compatible)
    verdict = result.verdict
    if ops and verdict == "safe":
        verdict = "suspicious"
    return {
        "format": result.format,
        "format_mismatch": mismatch,
        "pickle_based": result.pickle_based or result.format in PICKLE_BASED,
        "globals": [
            {"module": g.module, "name": g.name, "classification": g.classification,
             "sources": list(g.sources)}
            for g in result.globals
        ],
        "dangerous_globals": sorted(f"{g.module}.{g.name}" for g in result.globals
                                    if g.classification == "dangerous"),
        "lambda_layers": list(result.lambda_layers),
        "tf_file_ops": ops,
        "pickle_members": list(result.pickle_members),
        "analysis": header,
        "engines": list(result.engines),
        "verdict": verdict,
        "unanalysed_reason": result.unanalysed_reason,
    }
