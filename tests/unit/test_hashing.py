"""DigestService: md5 and sha256 in one pass, cached per scan, through the workspace."""

from __future__ import annotations

import array
import fcntl
import hashlib
import os
import termios
import threading
from pathlib import Path

import pytest

from mlscan.errors import FileReadError
from mlscan.hashing import CHUNK, Digest, DigestService
from mlscan.workspace import Workspace, WorkspaceOptions


def _expected(rel: str, data: bytes) -> Digest:
    return Digest(
        path=rel,
        size=len(data),
        md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
    )


CONTENTS = {
    "empty.bin": b"",
    "small.txt": b"hello\n",
    "exact.bin": bytes(range(256)) * (CHUNK // 256),  # exactly one chunk
    "models/big.onnx": os.urandom(3 * CHUNK + 17),  # several chunks and a tail
}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    for rel, data in CONTENTS.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return Workspace.discover(tmp_path)


def test_digests_match_hashlib(ws: Workspace) -> None:
    svc = DigestService(ws)
    for rel, data in CONTENTS.items():
        assert svc.digest(rel) == _expected(rel, data)
    assert svc.computed == len(CONTENTS)


def test_prefetch_in_parallel_matches_sequential(ws: Workspace) -> None:
    parallel = DigestService(ws, workers=4)
    parallel.prefetch([*CONTENTS, "small.txt", "missing.bin"])
    assert parallel.computed == len(CONTENTS) + 1
    sequential = DigestService(ws, workers=1)
    for rel in CONTENTS:
        assert parallel.digest(rel) == sequential.digest(rel) == _expected(rel, CONTENTS[rel])
    with pytest.raises(FileReadError):
        parallel.digest("missing.bin")
    assert parallel.computed == len(CONTENTS) + 1  # nothing was computed again


def test_each_file_is_read_once_per_service(ws: Workspace) -> None:
    svc = DigestService(ws)
    first = svc.digest("small.txt")
    (ws.root / "small.txt").write_bytes(b"changed after the first digest\n")
    assert svc.digest("small.txt") == first  # cached, not read again
    svc.prefetch(["small.txt"])
    assert svc.digest("small.txt") == first
    assert svc.computed == 1
    # a new scan (a new service) sees the new content
    fresh = DigestService(ws).digest("small.txt")
    assert fresh == _expected("small.txt", b"changed after the first digest\n")


def test_missing_file(ws: Workspace) -> None:
    svc = DigestService(ws)
    with pytest.raises(FileReadError) as err:
        svc.digest("nope.bin")
    assert err.value.path == "nope.bin" and err.value.kind == "unreadable"
    # errors are cached too: asking again gives the same answer without a new read
    with pytest.raises(FileReadError):
        svc.digest("nope.bin")
    assert svc.computed == 1


def test_escaping_paths_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.bin"
    secret.write_bytes(b"secret")
    (root / "link.bin").symlink_to(secret)
    ws = Workspace.discover(root)
    svc = DigestService(ws)
    for rel in ("link.bin", "../secret.bin", str(secret)):
        with pytest.raises(FileReadError) as err:
            svc.digest(rel)
        assert err.value.kind == "symlink-escape"


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.bin").write_bytes(b"0" * 11)
    (tmp_path / "ok.bin").write_bytes(b"0" * 10)
    ws = Workspace.discover(tmp_path, WorkspaceOptions(max_file_size=10))
    svc = DigestService(ws)
    with pytest.raises(FileReadError) as err:
        svc.digest("big.bin")
    assert err.value.kind == "too-large"
    assert "11 bytes" in err.value.reason
    assert svc.digest("ok.bin") == _expected("ok.bin", b"0" * 10)


def test_directory_is_refused(ws: Workspace) -> None:
    with pytest.raises(FileReadError) as err:
        DigestService(ws).digest("models")
    assert err.value.path == "models"


def test_fifo_is_refused_without_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "model.bin"
    os.mkfifo(fifo)
    ws = Workspace.discover(tmp_path)
    # keep a writer open so that opening the FIFO for reading does not block the test;
    # closing it ends any read that was started
    fd = os.open(fifo, os.O_RDWR)
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(DigestService(ws).digest("model.bin"))
        except FileReadError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    os.write(fd, b"streamed")
    # close the writer only once the service either finished or consumed the bytes
    # (then it has the FIFO open, and the close gives it end-of-file)
    pending = array.array("i", [1])
    while worker.is_alive() and pending[0]:
        fcntl.ioctl(fd, termios.FIONREAD, pending)
        worker.join(0.01)
    os.close(fd)
    worker.join()
    assert isinstance(outcome[0], FileReadError)
