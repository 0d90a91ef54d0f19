"""One digest service per scan: each file is read once, whatever needs its hash.

DVC needs MD5, signatures and the artifact facts need SHA-256. ``DigestService``
computes every algorithm in one streaming pass (1 MiB chunks), in parallel across files
(hashlib releases the GIL on large buffers), and remembers the result for the rest of
the scan. Reads go through the workspace, so the symlink and size rules hold.

Which algorithms are computed is configurable: per service (``algorithms=``, default
md5 + sha256) and per call (``digest(rel, algorithms=("sha256",))``). A call that needs
an algorithm the cached entry lacks computes the union of both sets in one new pass, so
asking for less never costs a later caller a second read of more than that file. A
``Digest`` field whose algorithm was not computed is the empty string.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlscan.errors import FileReadError
from mlscan.workspace import Workspace

if TYPE_CHECKING:
    from mlscan.digest_cache import DigestCache, FileKey

CHUNK = 1024 * 1024
ALGORITHMS: tuple[str, ...] = ("md5", "sha256")


@dataclass(frozen=True, kw_only=True)
class Digest:
    path: str
    size: int
    md5: str  # "" when md5 was not computed
    sha256: str  # "" when sha256 was not computed
    algorithms: tuple[str, ...] = ALGORITHMS

    def has(self, algorithms: Iterable[str]) -> bool:
        return all(a in self.algorithms for a in algorithms)


def _normalise(algorithms: Iterable[str]) -> tuple[str, ...]:
    asked = set(algorithms)
    algs = tuple(a for a in ALGORITHMS if a in asked)
    unknown = asked - set(ALGORITHMS)
    if unknown or not algs:
        raise ValueError(f"algorithms must be a non-empty subset of {ALGORITHMS}, got {unknown}")
    return algs


class DigestService:
    def __init__(
        self,
        ws: Workspace,
        workers: int | None = None,
        algorithms: Iterable[str] = ALGORITHMS,
        cache: DigestCache | None = None,
    ) -> None:
        self._ws = ws
        self._disk = cache
        self.read = 0  # files actually read (not answered by the on-disk cache)
        self._cache: dict[str, Digest | FileReadError] = {}
        self._lock = threading.Lock()
        self._workers = workers or min(4, (os.cpu_count() or 2))
        self._algorithms = _normalise(algorithms)

    @property
    def algorithms(self) -> tuple[str, ...]:
        return self._algorithms

    def digest(self, rel: str, algorithms: Iterable[str] | None = None) -> Digest:
        """The digest of one file; raises FileReadError when it cannot be read."""
        want = self._algorithms if algorithms is None else _normalise(algorithms)
        with self._lock:
            hit = self._cache.get(rel)
        if hit is None or (isinstance(hit, Digest) and not hit.has(want)):
            have = hit.algorithms if isinstance(hit, Digest) else ()
            hit = self._compute(rel, _normalise((*want, *have)))
            with self._lock:
                self._cache[rel] = hit
        if isinstance(hit, FileReadError):
            raise hit
        return hit

    def prefetch(self, paths: Iterable[str], algorithms: Iterable[str] | None = None) -> None:
        """Hash many files in parallel; errors are kept and raised by ``digest``."""
        want = self._algorithms if algorithms is None else _normalise(algorithms)
        with self._lock:
            todo = sorted(
                {p for p in paths if not self._satisfied(self._cache.get(p), want)}
            )
        if not todo:
            return
        if len(todo) == 1 or self._workers == 1:
            for p in todo:
                self._digest_quiet(p, want)
            return
        with ThreadPoolExecutor(max_workers=self._workers) as pool:
            for _ in pool.map(lambda p: self._digest_quiet(p, want), todo):
                pass

    @property
    def computed(self) -> int:
        return len(self._cache)

    @staticmethod
    def _satisfied(hit: Digest | FileReadError | None, want: tuple[str, ...]) -> bool:
        return isinstance(hit, FileReadError) or (isinstance(hit, Digest) and hit.has(want))

    def _digest_quiet(self, rel: str, want: tuple[str, ...]) -> None:
        with contextlib.suppress(FileReadError):  # cached; raised again to whoever asks
            self.digest(rel, want)

    def _compute(self, rel: str, algorithms: tuple[str, ...]) -> Digest | FileReadError:
        ws = self._ws
        try:
            real = ws.abspath(rel)
            st = real.stat()
            size = st.st_size
        except FileReadError as exc:
            return exc
        except OSError as exc:
            return FileReadError(rel, f"cannot be read ({exc.strerror})")
        if not stat.S_ISREG(st.st_mode):
            # a FIFO or device inside the root would block or never end
            return FileReadError(rel, "is not a regular file", "unreadable")
        if size > ws.options.max_file_size:
            return FileReadError(
                rel,
                f"is {size} bytes, over the {ws.options.max_file_size}-byte limit "
                "(limits.max_file_size)",
                "too-large",
            )
        key: FileKey | None = None
        if self._disk is not None:
            from mlscan.digest_cache import FileKey

            key = FileKey.of(real, st)
            known = self._disk.lookup(key)
            if known is not None and set(algorithms) <= set(known.algorithms):
                return Digest(path=rel, size=size, md5=known.md5, sha256=known.sha256,
                              algorithms=known.algorithms)
        md5 = hashlib.md5(usedforsecurity=False) if "md5" in algorithms else None
        sha = hashlib.sha256() if "sha256" in algorithms else None
        try:
            with real.open("rb", buffering=0) as fh:
                buf = bytearray(CHUNK)
                view = memoryview(buf)
                while True:
                    n = fh.readinto(buf)
                    if not n:
                        break
                    chunk = view[:n]
                    if md5 is not None:
                        md5.update(chunk)
                    if sha is not None:
                        sha.update(chunk)
        except OSError as exc:
            return FileReadError(rel, f"cannot be read ({exc.strerror})")
        with self._lock:
            self.read += 1
        digest = Digest(
            path=rel,
            size=size,
            md5=md5.hexdigest() if md5 is not None else "",
            sha256=sha.hexdigest() if sha is not None else "",
            algorithms=algorithms,
        )
        if self._disk is not None and key is not None:
            self._disk.store(key, digest.md5, digest.sha256)
        return digest
