"""Error paths of registry downloads that a real MLflow server cannot produce: artifact
paths that climb out of the model folder, and a file larger than its listing says.
A stdlib HTTP server on 127.0.0.1 answers the one MLflow REST endpoint involved."""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from mlscan.collectors.mlflow.registry_download import (
    DownloadBudget,
    download_version,
    safe_artifact_path,
)
from mlscan.collectors.mlflow.rest import Credentials, MlflowRest

BODIES = {"model.onnx": b"\x08\x07onnx", "big.bin": b"x" * 5000, "sub/weights.pkl": b"\x80\x04."}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        body = BODIES.get(query.get("path", [""])[0])
        if url.path != "/model-versions/get-artifact" or body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("model.onnx", "model.onnx"),
        ("sub/weights.pkl", "sub/weights.pkl"),
        ("../evil.pkl", None),
        ("sub/../../evil.pkl", None),
        ("/etc/passwd", None),
        ("C:/x.pkl", None),
        ("sub\\..\\x.pkl", None),
        ("a//b", None),
        ("./a", None),
        ("", None),
        ("a\x00b", None),
    ],
)
def test_safe_artifact_path(path: str, expected: str | None) -> None:
    assert safe_artifact_path(path) == expected


def test_unsafe_paths_and_oversized_files_become_notes(server: str, tmp_path: Path) -> None:
    dest = tmp_path / "dl"
    dest.mkdir()
    client = MlflowRest(server, Credentials())
    files = [
        {"path": "model.onnx", "size": 6},
        {"path": "../evil.pkl", "size": 1},
        {"path": "/tmp/abs.pkl", "size": 1},
        {"path": "big.bin", "size": 10},  # the listing lies: 5000 bytes arrive
        {"path": "huge.bin", "size": 10**9},  # refused from its listed size, never fetched
        {"path": "gone.pkl", "size": 3},
        {"path": "sub/weights.pkl", "size": 3},
    ]
    got = download_version(client, "credit", "3", files, dest, DownloadBudget(per_file=1000,
                                                                                total=10_000))
    assert [(f.rel, f.size) for f in got.files] == [("model.onnx", 6), ("sub/weights.pkl", 3)]
    assert [(s["path"], s["reason"]) for s in got.skipped] == [
        ("../evil.pkl", "unsafe artifact path (absolute, '..' or empty components)"),
        ("/tmp/abs.pkl", "unsafe artifact path (absolute, '..' or empty components)"),
        ("big.bin", "larger than 1000 bytes (limits.max_file_size)"),
        ("gone.pkl", "the server has no such file"),
        ("huge.bin", "1000000000 bytes, over limits.max_file_size (1000)"),
    ]
    assert sorted(n.path for n in got.notes) == [
        "models:/credit/3/../evil.pkl",
        "models:/credit/3//tmp/abs.pkl",
        "models:/credit/3/big.bin",
        "models:/credit/3/gone.pkl",
        "models:/credit/3/huge.bin",
    ]
    assert {n.kind for n in got.notes} == {"registry-download"}
    written = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["dl/model.onnx", "dl/sub/weights.pkl"]


def test_total_download_cap(server: str, tmp_path: Path) -> None:
    client = MlflowRest(server, Credentials())
    budget = DownloadBudget(per_file=1000, total=8)
    files = [{"path": "model.onnx", "size": 6}, {"path": "sub/weights.pkl", "size": 3}]
    got = download_version(client, "credit", "3", files, tmp_path, budget)
    assert [f.rel for f in got.files] == ["model.onnx"]
    assert got.skipped == ({"path": "sub/weights.pkl",
                            "reason": "limits.max_registry_download (8 bytes) reached"},)
    assert budget.used == 6
