"""Small hostile HTTP servers for the server-side security tests: standard-library
``http.server`` in a daemon thread, bound to 127.0.0.1 on a free port.

A server is given one ``route(handler) -> None`` function that answers every request
(the handler is a ``BaseHTTPRequestHandler``: use ``handler.path``, ``send_response``,
``wfile``...). Every request's method, path and headers are recorded. Every slow answer
is a bounded loop, and writes to a client that went away end it, so a server never
outlives its test by more than a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Server:
    url: str
    seen: list[Seen] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [s.path.split("?", 1)[0] for s in self.seen]


Route = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serve(route: Route) -> Iterator[Server]:
    state: dict[str, Server] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            with lock:
                state["s"].seen.append(
                    Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
                )
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            # a client that gave up is exactly what a bounded client does
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state["s"] = Server(url=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["s"]
    finally:
        httpd.shutdown()
        httpd.server_close()


def send_json(h: BaseHTTPRequestHandler, doc: Any, status: int = 200) -> None:
    body = json.dumps(doc).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def send_bytes(h: BaseHTTPRequestHandler, body: bytes, status: int = 200) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def redirect(h: BaseHTTPRequestHandler, location: str, status: int = 302) -> None:
    h.send_response(status)
    h.send_header("Location", location)
    h.send_header("Content-Length", "0")
    h.end_headers()


def drip(h: BaseHTTPRequestHandler, data: bytes, every: float = 1.0, limit: int = 30) -> None:
    """Slowloris: ``data`` one byte every ``every`` seconds, at most ``limit`` bytes."""
    for byte in data[:limit]:
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(every)
    h.close_connection = True


def stream_unsized(h: BaseHTTPRequestHandler, total: int, chunk: bytes = b" " * 65536) -> None:
    """A 200 answer of ``total`` bytes with no Content-Length (ends by closing)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.send_header("Connection", "close")
    h.end_headers()
    sent = 0
    while sent < total:
        h.wfile.write(chunk)
        sent += len(chunk)
    h.close_connection = True
