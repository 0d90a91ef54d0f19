"""A TEST DOUBLE of OPA's REST API -- not OPA.

No OPA binary can be installed where the tests run, so this small HTTP server (standard
library ``http.server`` in a thread, bound to 127.0.0.1 on a free port) speaks the part of
OPA's documented REST API (https://www.openpolicyagent.org/docs/rest-api) that mlscan
uses, and evaluates with regorus:

* ``GET /health`` -> 200 ``{}``
* ``GET /v1/policies`` -> ``{"result": [{"id", "raw", "ast"}, ...]}`` (``/v1/policies/``
  redirects there with 301, as OPA's router does)
* ``GET /v1/policies/<id>`` -> ``{"result": {"id", "raw", "ast"}}`` or 404
* ``PUT /v1/policies/<id>`` (``Content-Type: text/plain``) -> 200 ``{}``; a module that
  does not compile -> 400 ``{"code": "invalid_parameter", "message": "error(s) occurred
  while compiling module(s)", "errors": [{"code", "message", "location": {"file", "row",
  "col"}}]}``
* ``DELETE /v1/policies/<id>`` -> 200 ``{}`` or 404
* ``POST /v1/data/<path>`` with ``{"input": ...}`` -> ``{"result": value}``, and ``{}``
  (no ``result`` key) when the document is undefined; ``GET /v1/data/<path>`` the same
  without input (mlscan reads ``data.system.bundles``, where OPA keeps bundle manifests)

Errors use OPA's ``{"code", "message"}`` body. Requests are validated (methods, content
types, JSON shape) so that what passes here also works against a real OPA. Knobs for
failure tests: ``token`` (require ``Authorization: Bearer <token>``, else 401
``unauthorized``), ``fail_status`` (answer every /v1 request with that status and
``internal_error``), ``delay`` (sleep before answering), ``bundle`` (serve the policies of
an OPA bundle, like ``opa run --server --bundle``). The AST in policy listings is empty:
mlscan never reads it.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import regorus

_LOCATION = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")
_SEGMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PACKAGE = re.compile(r"^package\s+([A-Za-z0-9_.]+)", re.MULTILINE)
_IMPORT = re.compile(r"^import\s+data\.([A-Za-z0-9_.]+)(?:\s+as\s+(\w+))?\s*$", re.MULTILINE)
_FUNCTION = re.compile(r"^([A-Za-z_]\w*)\(", re.MULTILINE)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class _State:
    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


def _error_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip().startswith("error:"):
            return line.strip().removeprefix("error:").strip()
    return " ".join(text.split())[:200]


class OpaDouble:
    """Start with ``with OpaDouble() as opa:``; ``opa.url`` is ``http://127.0.0.1:<port>``."""

    def __init__(
        self,
        *,
        token: str | None = None,
        fail_status: int | None = None,
        delay: float = 0.0,
        bundle: str | Path | None = None,
    ) -> None:
        self.token = token
        self.fail_status = fail_status
        self.delay = delay
        self._state = _State()
        self._lock = threading.Lock()
        if bundle is not None:
            self.load_bundle(bundle)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -----------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> OpaDouble:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._state.requests)

    @property
    def policies(self) -> dict[str, str]:
        with self._lock:
            return dict(self._state.policies)

    def load_bundle(self, path: str | Path, name: str = "mlscan") -> None:
        """Activate an OPA bundle (.tar.gz): its .rego files and data.json; its manifest
        is readable at ``data.system.bundles.<name>.manifest``, as on OPA."""
        raw = gzip.decompress(Path(path).read_bytes())
        with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
            members = {m.name: tar.extractfile(m) for m in tar.getmembers() if m.isfile()}
            files = {name: f.read() for name, f in members.items() if f is not None}
        manifest = json.loads(files.pop(".manifest", b"{}"))
        assert isinstance(manifest.get("roots", []), list), ".manifest roots must be a list"
        policies = {
            f"bundle/{name}": body.decode("utf-8")
            for name, body in files.items()
            if name.endswith(".rego")
        }
        data = json.loads(files["data.json"]) if "data.json" in files else {}
        status, body = self._compile(policies)
        assert status == 200, f"bundle does not compile: {body}"
        data = {**data, "system": {"bundles": {name: {"manifest": manifest}}}}
        with self._lock:
            self._state.policies.update(policies)
            self._state.data = data

    # -- evaluation ----------------------------------------------------------------

    def _engine(self, policies: dict[str, str]) -> Any:
        engine = regorus.Engine()
        engine.set_rego_v0(False)
        for pid in sorted(policies):
            engine.add_policy(pid, policies[pid])
        return engine

    def _compile(self, policies: dict[str, str]) -> tuple[int, dict[str, Any]]:
        engine = regorus.Engine()
        engine.set_rego_v0(False)
        for pid in sorted(policies):
            try:
                engine.add_policy(pid, policies[pid])
            except Exception as exc:
                text = str(exc)
                m = _LOCATION.search(text)
                loc = (
                    {"file": pid, "row": int(m.group("line")), "col": int(m.group("col"))}
                    if m
                    else {"file": pid}
                )
                return 400, {
                    "code": "invalid_parameter",
                    "message": "error(s) occurred while compiling module(s)",
                    "errors": [
                        {"code": "rego_parse_error", "message": _error_line(text), "location": loc}
                    ],
                }
        return self._type_check(policies)

    @staticmethod
    def _type_check(policies: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """OPA type-checks calls to functions of imported packages when a module is
        installed: calling one that no loaded module defines is a rego_type_error. The
        double checks ``import data.<pkg> [as alias]`` + ``alias.fn(`` the same way."""
        functions: dict[str, set[str]] = {}
        for text in policies.values():
            pkg = _PACKAGE.search(text)
            if pkg:
                functions.setdefault(pkg.group(1), set()).update(_FUNCTION.findall(text))
        for pid in sorted(policies):
            text = policies[pid]
            for imp in _IMPORT.finditer(text):
                pkg, alias = imp.group(1), imp.group(2) or imp.group(1).rsplit(".", 1)[-1]
                for call in re.finditer(rf"\b{re.escape(alias)}\.(\w+)\(", text):
                    if call.group(1) not in functions.get(pkg, set()):
                        row = text.count("\n", 0, call.start()) + 1
                        return 400, {
                            "code": "invalid_parameter",
                            "message": "error(s) occurred while compiling module(s)",
                            "errors": [
                                {
                                    "code": "rego_type_error",
                                    "message": f"undefined function data.{pkg}.{call.group(1)}",
                                    "location": {"file": pid, "row": row, "col": 1},
                                }
                            ],
                        }
        return 200, {}

    def _query(self, path: list[str], input_doc: Any, has_input: bool) -> dict[str, Any]:
        with self._lock:
            policies = dict(self._state.policies)
            data = self._state.data
        engine = self._engine(policies)
        if data:
            engine.add_data_json(json.dumps(data))
        if has_input:
            engine.set_input_json(json.dumps(input_doc))
        ref = "data" + "".join(f".{s}" if _SEGMENT.match(s) else f"[{json.dumps(s)}]" for s in path)
        result = json.loads(engine.eval_query_as_json(ref))
        rows = result.get("result") or []
        if not rows:
            return {}
        return {"result": rows[0]["expressions"][0]["value"]}

    # -- HTTP ----------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _send(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    return

            def _error(self, status: int, code: str, message: str) -> None:
                self._send(status, {"code": code, "message": message})

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                path = parts.path
                body = self._body()
                with double._lock:
                    double._state.requests.append(
                        Recorded(method, path, {k.lower(): v for k, v in self.headers.items()})
                    )
                if double.delay:
                    time.sleep(double.delay)
                if path == "/health" and method == "GET":
                    self._send(200, {})
                    return
                expected = f"Bearer {double.token}"
                if double.token is not None and self.headers.get("Authorization") != expected:
                    self._error(401, "unauthorized", "authentication failed")
                    return
                if double.fail_status is not None and path.startswith("/v1/"):
                    self._error(double.fail_status, "internal_error", "simulated server failure")
                    return
                if path == "/v1/policies/":  # OPA's router uses StrictSlash: redirect
                    self.send_response(301)
                    self.send_header("Location", "/v1/policies")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if path == "/v1/policies":
                    if method != "GET":
                        self._error(405, "method_not_allowed", f"{method} not allowed")
                        return
                    with double._lock:
                        items = sorted(double._state.policies.items())
                    self._send(200, {"result": [{"id": i, "raw": r, "ast": {}} for i, r in items]})
                    return
                if path.startswith("/v1/policies/"):
                    self._policy(method, unquote(path.removeprefix("/v1/policies/")), body)
                    return
                if path.startswith("/v1/data/") or path == "/v1/data":
                    self._data(method, path.removeprefix("/v1/data"), body)
                    return
                self._error(404, "resource_not_found", f"no route for {path}")

            def _policy(self, method: str, pid: str, body: bytes) -> None:
                if not pid:
                    self._error(400, "invalid_parameter", "policy id is empty")
                    return
                if method == "GET":
                    with double._lock:
                        raw = double._state.policies.get(pid)
                    if raw is None:
                        self._error(
                            404, "resource_not_found", f'storage_not_found_error: policy id "{pid}"'
                        )
                        return
                    self._send(200, {"result": {"id": pid, "raw": raw, "ast": {}}})
                elif method == "PUT":
                    ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                    if ctype != "text/plain":
                        self._error(400, "invalid_parameter", f"unexpected Content-Type {ctype!r}")
                        return
                    try:
                        text = body.decode("utf-8")
                    except UnicodeDecodeError:
                        self._error(400, "invalid_parameter", "policy is not UTF-8")
                        return
                    with double._lock:
                        candidate = {**double._state.policies, pid: text}
                        status, answer = double._compile(candidate)
                        if status == 200:
                            double._state.policies[pid] = text
                    self._send(status, answer)
                elif method == "DELETE":
                    with double._lock:
                        found = double._state.policies.pop(pid, None) is not None
                    if not found:
                        self._error(
                            404, "resource_not_found", f'storage_not_found_error: policy id "{pid}"'
                        )
                        return
                    self._send(200, {})
                else:
                    self._error(405, "method_not_allowed", f"{method} not allowed")

            def _data(self, method: str, tail: str, body: bytes) -> None:
                segments = [unquote(s) for s in tail.split("/") if s]
                if method == "GET":  # "Get a Document": no input
                    self._send(200, double._query(segments, None, False))
                    return
                if method != "POST":
                    self._error(
                        405, "method_not_allowed", f"{method} not allowed on the test double"
                    )
                    return
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
                if body and ctype != "application/json":
                    self._error(400, "invalid_parameter", f"unexpected Content-Type {ctype!r}")
                    return
                try:
                    doc = json.loads(body) if body else {}
                except ValueError as exc:
                    self._error(
                        400, "invalid_parameter", f"body contains malformed input document: {exc}"
                    )
                    return
                if not isinstance(doc, dict):
                    self._error(400, "invalid_parameter", "request body must be an object")
                    return
                try:
                    answer = double._query(segments, doc.get("input"), "input" in doc)
                except Exception as exc:
                    self._error(500, "internal_error", _error_line(str(exc)))
                    return
                self._send(200, answer)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_PUT(self) -> None:
                self._handle("PUT")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

        return Handler
