"""Download one registry model version's files (``--mlflow-download-artifacts``).

Files are streamed through ``MlflowRest`` into a private temporary folder, one version at
a time, with a size cap per file (``limits.max_file_size``) and for the whole scan
(``limits.max_registry_download``). Artifact paths come from the server and are untrusted:
a path that is absolute, climbs with ``..`` or is otherwise not a plain relative path is
refused. Every problem becomes a notification; nothing downloaded is ever loaded.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mlscan.collectors.base import notification
from mlscan.collectors.mlflow.rest import (
    ArtifactTooLarge,
    MlflowRest,
    MlflowRestError,
    RequestBudgetExhausted,
)
from mlscan.models import Notification

SOURCE = "mlflow-registry"
_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_artifact_path(path: str) -> str | None:
    """``path`` as a plain relative POSIX path, or None when it must not be written:
    empty, absolute, a drive, backslashes, NUL, ``.``/``..`` or empty components."""
    if not path or "\\" in path or "\x00" in path or _DRIVE.match(path):
        return None
    if path.startswith("/"):
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return str(PurePosixPath(*parts))


@dataclass
class DownloadBudget:
    """Byte budget shared by every version of one scan."""

    per_file: int
    total: int
    used: int = 0


@dataclass(frozen=True, kw_only=True)
class DownloadedFile:
    rel: str  # relative to the model version's directory
    local: Path
    size: int
    sha256: str


@dataclass(frozen=True, kw_only=True)
class VersionDownload:
    files: tuple[DownloadedFile, ...]
    skipped: tuple[dict[str, Any], ...]  # {path, reason}
    notes: tuple[Notification, ...] = field(default=())

    def to_fact(self) -> dict[str, Any]:
        return {
            "files": len(self.files),
            "bytes": sum(f.size for f in self.files),
            "skipped": list(self.skipped),
        }


def download_version(
    client: MlflowRest,
    name: str,
    version: str,
    files: list[dict[str, Any]],
    dest: Path,
    budget: DownloadBudget,
) -> VersionDownload:
    """Download every listed file of ``name``/``version`` below ``dest`` (already created,
    private). Files that cannot be fetched are listed in ``skipped`` with a notification."""
    where = f"models:/{name}/{version}"
    got: list[DownloadedFile] = []
    skipped: list[dict[str, Any]] = []
    notes: list[Notification] = []

    def skip(path: str, reason: str) -> None:
        skipped.append({"path": path, "reason": reason})
        notes.append(notification(f"{where}/{path}", f"registry artifact not downloaded: {reason}",
                                  SOURCE, kind="registry-download"))

    seen: set[str] = set()
    for f in sorted(files, key=lambda f: str(f.get("path"))):
        raw = str(f.get("path"))
        rel = safe_artifact_path(raw)
        if rel is None:
            skip(raw, "unsafe artifact path (absolute, '..' or empty components)")
            continue
        if rel in seen:
            continue
        seen.add(rel)
        listed = f.get("size")
        if isinstance(listed, int) and listed > budget.per_file:
            skip(rel, f"{listed} bytes, over limits.max_file_size ({budget.per_file})")
            continue
        remaining = budget.total - budget.used
        if isinstance(listed, int) and listed > remaining:
            skip(rel, f"limits.max_registry_download ({budget.total} bytes) reached")
            continue
        limit = min(budget.per_file, remaining)
        local = dest.joinpath(*rel.split("/"))
        try:
            local.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(local, flags, 0o600)
        except OSError as exc:
            skip(rel, f"cannot be stored locally ({exc.strerror or exc})")
            continue
        try:
            with os.fdopen(fd, "wb") as out:
                result = client.download_version_artifact(
                    name, version, rel, out, limit,
                    listed_size=listed if isinstance(listed, int) else None,
                )
        except ArtifactTooLarge:
            local.unlink(missing_ok=True)
            which = ("limits.max_file_size" if limit == budget.per_file
                     else "limits.max_registry_download")
            skip(rel, f"larger than {limit} bytes ({which})")
            continue
        except RequestBudgetExhausted:
            local.unlink(missing_ok=True)
            raise  # the scan's request or time budget: the registry walk stops
        except MlflowRestError as exc:
            local.unlink(missing_ok=True)
            skip(rel, str(exc))
            continue
        if result is None:
            local.unlink(missing_ok=True)
            skip(rel, "the server has no such file")
            continue
        size, sha = result
        budget.used += size
        got.append(DownloadedFile(rel=rel, local=local, size=size, sha256=sha))
    return VersionDownload(files=tuple(got), skipped=tuple(skipped), notes=tuple(notes))
