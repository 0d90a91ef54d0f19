"""The collector interface.

A collector handles one source family (DVC, MLflow, IaC, ...). It looks at the
workspace's files, parses the ones it owns, and returns facts for its top-level key
in the fact document, plus notifications for files it could not use. A collector never
raises for a bad input file: it records a notification and goes on.

Facts are plain JSON-ready dicts. Each fact that can be the subject of a finding has a
``loc`` object ``{path, line, col, end_line, end_col}`` beside its data (never mixed
into configuration values). Secret values never appear in facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mlscan.config import Config
from mlscan.hashing import DigestService
from mlscan.models import Notification, NotificationLevel
from mlscan.parse_cache import ParseCache
from mlscan.workspace import Workspace

Facts = dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class CollectOptions:
    """What the user asked for on the command line that changes what is collected."""

    mlflow_uri: str | None = None  # a live MLflow registry to read (opt-in, network)
    mlflow_timeout: float = 10.0  # seconds per read from that server
    mlflow_deadline: float | None = None  # seconds per whole request (else the config's)
    mlflow_download_artifacts: bool = False  # also download and analyse version files
    digest_cache: str | None = None  # a file that keeps digests across scans


def _builtin_checks_only() -> Sequence[str]:
    raise RuntimeError("the scan did not say which checkov checks the policy maps")


@dataclass(frozen=True, kw_only=True)
class CollectContext:
    """What a collector may know besides the workspace."""

    config: Config
    digests: DigestService  # shared per scan: every file is hashed at most once
    network: bool = False  # True only when the user asked for a remote source
    options: CollectOptions = field(default_factory=CollectOptions)
    # every parse goes through here: once per file per scan, always with the limits
    parsed: ParseCache
    # the checkov check ids the policy maps (rego/lib/checkov_map.rego and the user's
    # --policy folders); evaluated by the scan, only when checkov runs
    checkov_checks: Callable[[], Sequence[str]] = _builtin_checks_only

    @classmethod
    def create(
        cls,
        ws: Workspace,
        config: Config,
        digests: DigestService | None = None,
        network: bool = False,
        options: CollectOptions | None = None,
        checkov_checks: Callable[[], Sequence[str]] = _builtin_checks_only,
    ) -> CollectContext:
        """A context with a fresh digest service and parse cache for ``ws``."""
        return cls(
            config=config,
            digests=digests if digests is not None else DigestService(ws),
            network=network,
            options=options or CollectOptions(),
            parsed=ParseCache(ws, config.limits),
            checkov_checks=checkov_checks,
        )


@dataclass(frozen=True, kw_only=True)
class CollectorOutput:
    """``facts`` becomes ``document[collector.family]``; a collector that reads files of
    several families (one checkov run feeds ``iac``, ``bucket_policies`` and ``serving``)
    puts the others in ``families`` and their files in ``family_files``."""

    facts: Facts
    notifications: tuple[Notification, ...] = ()
    files: tuple[str, ...] = ()  # files this collector parsed (for the report's scope)
    families: Mapping[str, Facts] = field(default_factory=dict)
    family_files: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class Collector(Protocol):
    family: str  # top-level key in the fact document

    def applies(self, ws: Workspace) -> bool:
        """Cheap check: does the workspace hold any file this collector reads?"""
        ...

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput: ...


def notification(
    path: str,
    message: str,
    source: str,
    kind: str = "parse-error",
    line: int | None = None,
    level: NotificationLevel = "warning",
) -> Notification:
    """Shorthand used by collectors for a file they could not use."""
    return Notification(
        path=path, message=message, level=level, kind=kind, source=source, line=line
    )


def line_loc(
    path: str, line: int | None = None, col: int | None = None, end_col: int | None = None
) -> dict[str, Any]:
    """A fact location on one line, or the whole file (or registry object) when ``line``
    is None. Spans over several lines come from ``sourcemap.Span.loc``."""
    return {"path": path, "line": line, "col": col, "end_line": line, "end_col": end_col}


def file_failed(path: str, source: str, exc: BaseException) -> Notification:
    """A file whose handling raised: the collector keeps every other file's facts and
    names this one. The message carries the exception type, never file content."""
    detail = str(exc).splitlines()[0][:160] if str(exc) else ""
    return Notification(
        path=path,
        message=f"not analysed: {type(exc).__name__}{': ' + detail if detail else ''} "
        "(other files were still scanned)",
        level="warning",
        kind="file-error",
        source=source,
    )
