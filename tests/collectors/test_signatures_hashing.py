"""DigestService: configurable algorithms, one pass per file, the stable default API."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mlscan.errors import FileReadError
from mlscan.hashing import DigestService
from mlscan.workspace import Workspace, WorkspaceOptions


def workspace(tmp_path: Path) -> Workspace:
    (tmp_path / "models").mkdir()
    for i in range(5):
        (tmp_path / "models" / f"w{i}.bin").write_bytes(bytes([i]) * (3 * 1024 * 1024 + i))
    (tmp_path / "big.bin").write_bytes(b"x" * 2048)
    return Workspace.discover(tmp_path, WorkspaceOptions(max_file_size=1024 * 1024 * 4))


def test_default_computes_md5_and_sha256(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    svc = DigestService(ws)
    svc.prefetch(f.path for f in ws.files)
    d = svc.digest("models/w3.bin")
    data = (tmp_path / "models" / "w3.bin").read_bytes()
    assert (d.md5, d.sha256, d.size) == (
        hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest(), len(data),
    )
    assert d.algorithms == ("md5", "sha256")
    assert svc.computed == 6


def test_sha256_only_then_md5_on_demand(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    svc = DigestService(ws, algorithms=("sha256",))
    svc.prefetch(["models/w1.bin", "models/w2.bin"])
    d = svc.digest("models/w1.bin")
    assert (d.md5, d.algorithms) == ("", ("sha256",))
    both = svc.digest("models/w1.bin", algorithms=("md5",))
    data = (tmp_path / "models" / "w1.bin").read_bytes()
    # the new pass computes the union, so neither algorithm needs another read later
    assert both.algorithms == ("md5", "sha256")
    assert (both.md5, both.sha256) == (hashlib.md5(data).hexdigest(), d.sha256)
    assert svc.digest("models/w1.bin") is both


def test_errors_are_cached_and_raised(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    (tmp_path / "models" / "w0.bin").write_bytes(b"y" * (5 * 1024 * 1024))
    ws = Workspace(root=ws.root, files=ws.files, tracked=None,
                   options=WorkspaceOptions(max_file_size=4 * 1024 * 1024))
    svc = DigestService(ws)
    svc.prefetch(["models/w0.bin", "models/w1.bin"])
    with pytest.raises(FileReadError) as err:
        svc.digest("models/w0.bin")
    assert err.value.kind == "too-large"
    with pytest.raises(ValueError):
        DigestService(ws, algorithms=("sha1",))
