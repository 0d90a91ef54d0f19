"""The opt-in on-disk digest cache: reused only while the file is provably unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from mlscan.digest_cache import DigestCache, open_cache
from mlscan.errors import UsageError
from mlscan.hashing import DigestService
from mlscan.workspace import Workspace, WorkspaceOptions
from tests.helpers import run_cli

OLD = time.time() - 3600  # an mtime an hour ago


def _write(path: Path, data: bytes, mtime: float | None = OLD) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def _scan_digests(
    root: Path, cache_file: Path, rels: list[str], racy_window_ns: int = 0
) -> tuple[DigestService, dict[str, str]]:
    # The files here were all just written, so their ctime is "now": a zero racy window
    # lets them be cached (the default window is tested on its own below).
    ws = Workspace.discover(root, WorkspaceOptions())
    cache = DigestCache(cache_file, racy_window_ns=racy_window_ns)
    try:
        svc = DigestService(ws, cache=cache)
        svc.prefetch(rels)
        return svc, {rel: svc.digest(rel).sha256 for rel in rels}
    finally:
        cache.close()


def _ctime_tick() -> None:
    # ctime has nanosecond resolution on the filesystems we test on, but a coarse clock
    # (some kernels tick every few ms) could leave it unchanged; wait past one tick.
    time.sleep(0.02)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    _write(root / "models" / "model.onnx", b"weights" * 1000)
    _write(root / "data" / "train.csv", b"a,b\n1,2\n")
    return root


def test_second_scan_reads_nothing_and_gets_the_same_digests(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "digests.sqlite3"
    rels = ["data/train.csv", "models/model.onnx"]
    first, d1 = _scan_digests(tree, cache, rels)
    assert first.read == 2
    second, d2 = _scan_digests(tree, cache, rels)
    assert second.read == 0
    assert d1 == d2 == {
        "data/train.csv": hashlib.sha256(b"a,b\n1,2\n").hexdigest(),
        "models/model.onnx": hashlib.sha256(b"weights" * 1000).hexdigest(),
    }


def test_same_size_rewrite_with_old_mtime_restored_is_hashed_again(
    tree: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "c.sqlite3"
    _scan_digests(tree, cache, ["models/model.onnx"])
    target = tree / "models" / "model.onnx"
    before = target.stat()
    _ctime_tick()
    # a tampered file of the same size, its mtime set back: only ctime tells
    _write(target, b"WEIGHTS" * 1000, mtime=None)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    svc, digests = _scan_digests(tree, cache, ["models/model.onnx"])
    assert svc.read == 1
    assert digests["models/model.onnx"] == hashlib.sha256(b"WEIGHTS" * 1000).hexdigest()


def test_replaced_file_is_hashed_again(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite3"
    _scan_digests(tree, cache, ["data/train.csv"])
    fresh = tree / "data" / "new.csv"
    _write(fresh, b"x,y\n3,4\n")
    fresh.replace(tree / "data" / "train.csv")  # another inode under the same path
    svc, digests = _scan_digests(tree, cache, ["data/train.csv"])
    assert svc.read == 1
    assert digests["data/train.csv"] == hashlib.sha256(b"x,y\n3,4\n").hexdigest()


def test_recently_changed_files_are_not_cached(tree: Path, tmp_path: Path) -> None:
    cache = tmp_path / "c.sqlite3"
    # with the default two-second window, files whose ctime is "now" are racily clean
    first, _ = _scan_digests(tree, cache, ["data/train.csv"], racy_window_ns=2_000_000_000)
    assert first.read == 1
    second, _ = _scan_digests(tree, cache, ["data/train.csv"], racy_window_ns=2_000_000_000)
    assert second.read == 1
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM digests").fetchone()[0] == 0


def test_an_entry_lacking_an_algorithm_is_completed_by_one_read(
    tree: Path, tmp_path: Path
) -> None:
    cache_file = tmp_path / "c.sqlite3"
    ws = Workspace.discover(tree, WorkspaceOptions())
    cache = DigestCache(cache_file, racy_window_ns=0)
    DigestService(ws, algorithms=("md5",), cache=cache).digest("data/train.csv")
    cache.close()
    cache = DigestCache(cache_file, racy_window_ns=0)
    svc = DigestService(ws, cache=cache)
    d = svc.digest("data/train.csv")
    cache.close()
    assert svc.read == 1
    assert d.md5 == hashlib.md5(b"a,b\n1,2\n", usedforsecurity=False).hexdigest()
    assert d.sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()


def test_cache_inside_the_scanned_tree_is_refused(tree: Path) -> None:
    with pytest.raises(UsageError, match="inside the scanned tree"):
        open_cache(str(tree / ".cache" / "d.sqlite3"), tree)
    assert not (tree / ".cache").exists()


def test_a_file_that_is_not_a_cache_is_a_usage_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"this is not an SQLite database, just some bytes" * 20)
    with pytest.raises(UsageError, match=r"digest cache .*bogus.sqlite3 cannot be used"):
        DigestCache(bogus)


def test_cli_scans_agree_with_and_without_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root / "models" / "model.pkl", b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00K\x01.")
    _write(root / "data" / "train.csv", b"a,b\n1,2\n")
    cache = tmp_path / "cache.sqlite3"
    time.sleep(2.1)  # past the racy window, so the first cached scan stores its digests
    plain = run_cli("scan", str(root), "--format", "json", "--fail-on", "never")
    warm = [
        run_cli("scan", str(root), "--format", "json", "--fail-on", "never",
                env={"MLSCAN_DIGEST_CACHE": str(cache)})
        for _ in range(2)
    ]
    assert plain.code == warm[0].code == warm[1].code == 0, plain.err + warm[0].err
    assert plain.out == warm[0].out == warm[1].out
    assert json.loads(plain.out)["findings"], "the scan must find something to compare"
    with sqlite3.connect(cache) as db:
        names = sorted(Path(p).name for (p,) in db.execute("SELECT path FROM digests"))
    assert "model.pkl" in names
    inside = run_cli("scan", str(root), "--digest-cache", str(root / "d.sqlite3"))
    assert inside.code == 2
    assert "inside the scanned tree" in inside.err
    assert "Traceback" not in inside.err
