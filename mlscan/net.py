"""One bounded HTTP request, for the clients that talk to servers mlscan does not control
(a live MLflow registry, a remote OPA server).

``request`` sends one request and reads the answer under three bounds:

* a **whole-request deadline**: connect, status line, headers and body together. A
  watchdog shuts the socket down when it passes, so a server that sends one byte per
  second cannot keep a read alive (a per-read timeout alone would never fire);
* a **per-read timeout** (the socket timeout, never longer than the time left);
* a **size limit** on the body (``Content-Length`` is checked first, then every chunk).

Redirects are never followed here: a 3xx is returned to the caller, who decides (see
``same_origin``). Failures raise a ``TransportError`` subclass; callers turn them into
their own one-line errors.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

CHUNK = 1 << 20
_MIN_WAIT = 0.001


class TransportError(Exception):
    """The request failed before a complete answer arrived."""


class DeadlineExceeded(TransportError):
    """The whole request took longer than its deadline."""


class ReadTimeout(TransportError):
    """The server sent nothing for a whole per-read timeout."""


class ResponseTooLarge(TransportError):
    """The body is larger than the caller's limit (reading stopped there)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class Unreachable(TransportError):
    """Connection refused, name not resolved, TLS failure, broken HTTP."""


@dataclass(frozen=True, kw_only=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-case names; the last value of a repeated header
    body: bytes  # empty when the body went to a sink

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True, kw_only=True)
class Bounds:
    deadline: float  # seconds for the whole request
    read_timeout: float  # seconds of silence tolerated on one read
    max_bytes: int  # body size limit


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, the default port filled in."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def same_origin(a: str, b: str) -> bool:
    return origin(a) == origin(b)


def request(
    method: str,
    url: str,
    bounds: Bounds,
    *,
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    sink: Callable[[bytes], object] | None = None,
) -> Response:
    """Send one request to an http(s) ``url`` and read the answer within ``bounds``.
    With ``sink`` the body of a 2xx answer is streamed to it chunk by chunk instead of
    kept (the body of any other answer is kept, bounded the same way)."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise Unreachable(f"not an http(s) URL: {scheme or '?'}://")
    start = time.monotonic()
    end = start + bounds.deadline

    def left() -> float:
        return max(end - time.monotonic(), _MIN_WAIT)

    timeout = min(bounds.read_timeout, left())
    headers = dict(headers or {})
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    proxy = _proxy_for(scheme, parts.hostname)
    conn: http.client.HTTPConnection
    if proxy is not None:  # HTTP(S)_PROXY / NO_PROXY, as urllib and requests honour them
        p_host, p_port, p_auth = proxy
        if p_auth:
            headers["Proxy-Authorization"] = p_auth
        if scheme == "https":
            conn = http.client.HTTPSConnection(
                p_host, p_port, timeout=timeout, context=ssl.create_default_context()
            )
            tunnel_headers = {"Proxy-Authorization": p_auth} if p_auth else None
            headers.pop("Proxy-Authorization", None)  # only the CONNECT sees it
            conn.set_tunnel(parts.hostname, parts.port, headers=tunnel_headers)
        else:
            conn = http.client.HTTPConnection(p_host, p_port, timeout=timeout)
            netloc = parts.netloc.rpartition("@")[2]  # never userinfo
            target = urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    elif scheme == "https":
        conn = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    fired = threading.Event()

    def watchdog() -> None:
        fired.set()
        sock = conn.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(bounds.deadline, watchdog)
    timer.daemon = True
    timer.start()
    try:
        try:
            conn.request(method, target, body=body, headers=headers)
            if conn.sock is not None:
                conn.sock.settimeout(min(bounds.read_timeout, left()))
            resp = conn.getresponse()
            got = {k.lower(): v for k, v in resp.getheaders()}
            declared = got.get("content-length", "")
            if declared.isdigit() and int(declared) > bounds.max_bytes:
                raise ResponseTooLarge(bounds.max_bytes)
            stream = sink if sink is not None and 200 <= resp.status < 300 else None
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > end:
                    raise DeadlineExceeded(f"{bounds.deadline:g}s")
                if conn.sock is not None:
                    conn.sock.settimeout(min(bounds.read_timeout, left()))
                chunk = resp.read1(min(CHUNK, bounds.max_bytes + 1 - size))
                if not chunk:
                    break
                size += len(chunk)
                if size > bounds.max_bytes:
                    raise ResponseTooLarge(bounds.max_bytes)
                if stream is not None:
                    stream(chunk)
                else:
                    chunks.append(chunk)
            if fired.is_set() or time.monotonic() > end:
                # a shut-down socket reads as a clean end of the body
                raise DeadlineExceeded(f"{bounds.deadline:g}s")
            return Response(status=resp.status, headers=got, body=b"".join(chunks))
        except TransportError:
            raise
        except TimeoutError as exc:
            if fired.is_set() or time.monotonic() >= end:
                raise DeadlineExceeded(f"{bounds.deadline:g}s") from exc
            raise ReadTimeout(f"{bounds.read_timeout:g}s") from exc
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if fired.is_set():
                raise DeadlineExceeded(f"{bounds.deadline:g}s") from exc
            raise Unreachable(_reason(exc)) from exc
    finally:
        timer.cancel()
        conn.close()


def _proxy_for(scheme: str, host: str) -> tuple[str, int, str | None] | None:
    """(host, port, Proxy-Authorization) of the proxy the environment sets for
    ``scheme`` and ``host``, or None (no proxy, or ``host`` is in NO_PROXY)."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    try:
        p = urllib.parse.urlsplit(proxy)
        port = p.port or (443 if p.scheme == "https" else 80)
    except ValueError:
        return None
    if not p.hostname:
        return None
    auth = None
    if p.username is not None:
        raw = f"{urllib.parse.unquote(p.username)}:{urllib.parse.unquote(p.password or '')}"
        auth = "Basic " + base64.b64encode(raw.encode()).decode("ascii")
    return p.hostname, port, auth


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "name not resolved"
    if isinstance(exc, http.client.HTTPException):
        return f"invalid HTTP answer ({type(exc).__name__})"
    text = str(exc) or type(exc).__name__
    return " ".join(text.split())[:200]
