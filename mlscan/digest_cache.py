"""An opt-in, on-disk cache of file digests for repeated scans of the same checkout.

A pre-commit hook or an editor integration scans the same files again and again; DVC
outputs and model weights are large, and hashing them dominates such runs. With
``mlscan scan --digest-cache FILE`` (or ``MLSCAN_DIGEST_CACHE``) a digest computed once
is reused while the file is provably the same file, unchanged.

The key is the file's real path together with its device, inode, size, ``mtime_ns`` and
``ctime_ns``. ``ctime`` is set by the kernel on every write, rename or ``utime`` call
and cannot be set back by an unprivileged user, so a file rewritten to the same size
with its old mtime restored still misses. Like git's index, an entry is not stored
while the file's mtime is within two seconds of now: a write in the same timestamp
tick as the hash could otherwise go unnoticed.

The cache is trusted input. It is only taken from the command line or the environment
(the operator), never from the repository's configuration, and it may not live inside
the scanned tree, where a contributor could plant one. Verification (``mlscan verify``)
never uses it: a deployment gate hashes every byte.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mlscan.errors import UsageError

SCHEMA = 1
RACY_WINDOW_NS = 2_000_000_000


@dataclass(frozen=True, kw_only=True)
class FileKey:
    path: str  # the resolved path, so that two roots sharing files share entries
    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, real: Path, st: os.stat_result) -> FileKey:
        return cls(
            path=str(real),
            device=st.st_dev,
            inode=st.st_ino,
            size=st.st_size,
            mtime_ns=st.st_mtime_ns,
            ctime_ns=st.st_ctime_ns,
        )


@dataclass(frozen=True, kw_only=True)
class CachedDigest:
    md5: str  # "" when not computed
    sha256: str  # "" when not computed

    @property
    def algorithms(self) -> tuple[str, ...]:
        return tuple(a for a, v in (("md5", self.md5), ("sha256", self.sha256)) if v)


class DigestCache:
    """A small SQLite table; safe to share between the digest service's threads."""

    def __init__(self, path: Path, racy_window_ns: int = RACY_WINDOW_NS) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._racy_before = time.time_ns() - racy_window_ns
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._db = sqlite3.connect(
                str(path), check_same_thread=False, isolation_level=None, timeout=0.5
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, device INTEGER, "
                "inode INTEGER, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, "
                "md5 TEXT, sha256 TEXT)"
            )
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            elif row[0] != str(SCHEMA):
                raise UsageError(
                    f"digest cache {path} was written by another mlscan version "
                    f"(schema {row[0]}); delete it or choose another file"
                )
            self._db.execute("BEGIN")
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(f"digest cache {path} cannot be used: {exc}") from exc
        self.hits = 0
        self.stored = 0

    def lookup(self, key: FileKey) -> CachedDigest | None:
        with self._lock:
            try:
                row = self._db.execute(
                    "SELECT device, inode, size, mtime_ns, ctime_ns, md5, sha256 FROM digests "
                    "WHERE path = ?",
                    (key.path,),
                ).fetchone()
            except sqlite3.Error:
                return None  # an unreadable cache only costs the time it would have saved
            if row is None or tuple(row[:5]) != (
                key.device,
                key.inode,
                key.size,
                key.mtime_ns,
                key.ctime_ns,
            ):
                return None
            self.hits += 1
            return CachedDigest(md5=row[5], sha256=row[6])

    def store(self, key: FileKey, md5: str, sha256: str) -> None:
        if max(key.mtime_ns, key.ctime_ns) >= self._racy_before:
            return  # racily clean: a write in the same tick would go unnoticed
        with self._lock:
            try:
                self._db.execute(
                    "INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (key.path, key.device, key.inode, key.size, key.mtime_ns, key.ctime_ns,
                     md5, sha256),
                )
            except sqlite3.Error:
                return  # e.g. another scan holds the write lock: not kept this time
            self.stored += 1

    def close(self) -> None:
        with self._lock:
            # should another scan hold the lock, our entries are simply not kept
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("COMMIT")
            self._db.close()


def open_cache(path: str, root: Path) -> DigestCache:
    """The cache at ``path``, refused when it lies inside the scanned tree."""
    target = Path(path).expanduser()
    resolved = target.resolve()
    real_root = root.resolve()
    if resolved == real_root or real_root in resolved.parents:
        raise UsageError(
            f"digest cache {path} is inside the scanned tree; keep it outside "
            "(e.g. ~/.cache/mlscan/digests.sqlite3), where the code under review cannot "
            "plant one"
        )
    return DigestCache(resolved)
