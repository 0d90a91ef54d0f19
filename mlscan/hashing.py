"""One digest service per scan: each file is read once, whatever needs its hash.

DVC needs MD5, signatures and the artifact facts need SHA-256. ``DigestService``
computes every algorithm in one streaming pass (1 MiB chunks), in parallel across files
(hashlib releases the GIL on large buffers), and remembers the result for the rest of
the scan. Reads go through the workspace, so the symlink and size rules hold.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from mlscan.errors import FileReadError
from mlscan.workspace import Workspace

CHUNK = 1024 * 1024
ALGORITHMS = ("md5", "sha256")


@dataclass(frozen=True, kw_only=True)
class Digest:
    path: str
    size: int
    md5: str
    sha256: str


class DigestService:
    def __init__(self, ws: Workspace, workers: int | None = None) -> None:
        self._ws = ws
        self._cache: dict[str, Digest | FileReadError] = {}
        self._lock = threading.Lock()
        self._workers = workers or min(4, (os.cpu_count() or 2))

    def digest(self, rel: str) -> Digest:
        """The digest of one file; raises FileReadError when it cannot be read."""
        with self._lock:
            hit = self._cache.get(rel)
        if hit is None:
            hit = self._compute(rel)
            with self._lock:
                self._cache[rel] = hit
        if isinstance(hit, FileReadError):
            raise hit
        return hit

    def prefetch(self, paths: Iterable[str]) -> None:
        """Hash many files in parallel; errors are kept and raised by ``digest``."""
        todo = sorted({p for p in paths if p not in self._cache})
        if not todo:
            return
        if len(todo) == 1 or self._workers == 1:
            for p in todo:
                self._cache[p] = self._compute(p)
            return
        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            for p, result in zip(todo, pool.map(self._compute, todo), strict=True):
                with self._lock:
                    self._cache[p] = result

    @property
    def computed(self) -> int:
        return len(self._cache)

    def _compute(self, rel: str) -> Digest | FileReadError:
        ws = self._ws
        try:
            real = ws.abspath(rel)
            size = real.stat().st_size
        except FileReadError as exc:
            return exc
        except OSError as exc:
            return FileReadError(rel, f"cannot be read ({exc.strerror})")
        if size > ws.options.max_file_size:
            return FileReadError(
                rel,
                f"is {size} bytes, over the {ws.options.max_file_size}-byte limit "
                "(limits.max_file_size)",
                "too-large",
            )
        md5 = hashlib.md5(usedforsecurity=False)
        sha = hashlib.sha256()
        try:
            with real.open("rb", buffering=0) as fh:
                buf = bytearray(CHUNK)
                view = memoryview(buf)
                while True:
                    n = fh.readinto(buf)
                    if not n:
                        break
                    chunk = view[:n]
                    md5.update(chunk)
                    sha.update(chunk)
        except OSError as exc:
            return FileReadError(rel, f"cannot be read ({exc.strerror})")
        return Digest(path=rel, size=size, md5=md5.hexdigest(), sha256=sha.hexdigest())
