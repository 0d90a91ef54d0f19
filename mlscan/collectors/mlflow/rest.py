"""A small, read-only client for the MLflow tracking server's REST API.

Only the endpoints mlscan needs: registered models, model versions, a version's MLmodel
and artifact listing, and single artifact files. The server is untrusted:

* every request goes through ``mlscan.net.request``: a whole-request deadline
  (connect, status line, headers and body), a per-read timeout and a size bound;
* redirects are followed only to the same origin (scheme, host, port), at most
  ``MAX_REDIRECTS`` times; a redirect to another origin or to a non-http(s) URL is an
  error, and credentials are only ever attached to requests for the configured origin;
* listings are bounded (``RestLimits``): pages per listing, entries per listing, a
  repeated ``next_page_token``, artifact-walk depth and directories, requests per scan
  and the time of all requests together. Hitting a bound stops that listing with a
  notification (``client.notes``); the request and time budgets stop the whole registry
  walk (``RequestBudgetExhausted``).

Every transport failure becomes an ``MlflowRestError`` with a one-line message
(unreachable, timeout, deadline, redirect refused, 401, 403, other HTTP errors).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from mlscan import net
from mlscan.collectors.base import notification
from mlscan.errors import MlscanError
from mlscan.models import Notification

MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_ARTIFACT_BYTES = 16 * 1024 * 1024
MAX_REDIRECTS = 5
DOWNLOAD_RATE = 1024 * 1024  # bytes per second a download is granted beyond the deadline
PAGE = 1000
SOURCE = "mlflow-registry"
_REDIRECTS = (301, 302, 303, 307, 308)


class MlflowRestError(MlscanError):
    """The MLflow server could not be queried."""


class RequestBudgetExhausted(MlflowRestError):
    """``RestLimits.max_requests`` requests were sent in this scan; no more are made."""


@dataclass(frozen=True, kw_only=True)
class RestLimits:
    """Bounds on what one scan asks of the server (``limits.mlflow_*`` in the config)."""

    timeout: float = 10.0  # per read (--mlflow-timeout)
    deadline: float = 60.0  # whole request (limits.mlflow_request_deadline)
    max_requests: int = 10_000  # per scan
    max_pages: int = 100  # per listing
    max_entries: int = 100_000  # per listing (models, versions of a model, files of a version)
    max_walk_depth: int = 8  # artifact directories below a model version
    max_walk_dirs: int = 1_000  # artifact directories listed per model version
    scan_deadline: float = 1200.0  # seconds for every request of the scan together


@dataclass(frozen=True, kw_only=True)
class Credentials:
    token: str | None = None
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Credentials:
        e = os.environ if env is None else env
        return cls(
            token=e.get("MLFLOW_TRACKING_TOKEN") or None,
            username=e.get("MLFLOW_TRACKING_USERNAME") or None,
            password=e.get("MLFLOW_TRACKING_PASSWORD") or None,
        )

    @property
    def kind(self) -> str:
        if self.token:
            return "token"
        if self.username:
            return "basic"
        return "none"

    def header(self) -> str | None:
        if self.token:
            return f"Bearer {self.token}"
        if self.username:
            raw = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None


@dataclass
class _Usage:
    requests: int = 0
    started: float | None = None  # monotonic time of the first request
    notes: list[Notification] = field(default_factory=list)


def _shown_origin(url: str) -> str:
    """scheme://host[:port] of a URL, never its path, query or userinfo."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or "?"
        host = f"[{host}]" if ":" in host else host
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "an invalid URL"
    scheme = parts.scheme or "?"
    return f"{scheme}://{host}{port}" if scheme in ("http", "https") else f"{scheme}://..."


class MlflowRest:
    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        timeout: float | None = None,
        limits: RestLimits | None = None,
    ) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise MlflowRestError(
                f"--mlflow-uri {base_url!r} is not an http(s) URL; use e.g. http://127.0.0.1:5000"
            )
        host = parts.hostname or ""
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        try:
            port = parts.port
        except ValueError as exc:
            raise MlflowRestError(f"--mlflow-uri has an invalid port: {base_url!r}") from exc
        if port:
            host = f"{host}:{port}"
        # userinfo is never sent in the URL (nor shown: it may hold a password)
        self.base = urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", "")).rstrip("/")
        self.shown = urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
        self.credentials = credentials
        lim = limits or RestLimits()
        if timeout is not None:
            lim = RestLimits(**{**lim.__dict__, "timeout": float(timeout)})
        self.limits = lim
        self.timeout = lim.timeout
        self._usage = _Usage()

    @property
    def notes(self) -> list[Notification]:
        """Notifications for the bounds this client hit (listings cut short)."""
        return self._usage.notes

    @property
    def requests_sent(self) -> int:
        return self._usage.requests

    def _note(self, where: str, message: str) -> None:
        self._usage.notes.append(notification(where, message, SOURCE, kind="registry-limit"))

    # ------------------------------------------------------------------ transport
    def _fetch(
        self,
        path: str,
        params: Mapping[str, str] | None,
        limit: int,
        sink: Callable[[bytes], object] | None = None,
        grace: float = 0.0,
    ) -> bytes:
        """GET ``path``: the body (or "" with ``sink``). Same-origin redirects are
        followed; every failure is an MlflowRestError (404: _NotFound). ``grace`` seconds
        are added to the request deadline (large downloads)."""
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        for _hop in range(MAX_REDIRECTS + 1):
            resp = self._send(url, path, limit, sink, grace)
            if resp.status not in _REDIRECTS:
                self._check_status(resp.status, path)
                return resp.body
            url = self._redirect_target(url, path, resp.header("location"))
        raise MlflowRestError(
            f"MLflow server {self.shown} redirected {path} more than {MAX_REDIRECTS} times"
        )

    def _send(
        self, url: str, path: str, limit: int, sink: Callable[[bytes], object] | None,
        grace: float = 0.0,
    ) -> net.Response:
        if self._usage.requests >= self.limits.max_requests:
            raise RequestBudgetExhausted(
                f"MLflow server {self.shown}: {self.limits.max_requests} requests sent in this "
                "scan (limits.mlflow_max_requests); the rest of the registry was not read"
            )
        now = time.monotonic()
        if self._usage.started is None:
            self._usage.started = now
        left = self._usage.started + self.limits.scan_deadline - now
        if left <= 0:
            raise RequestBudgetExhausted(
                f"MLflow server {self.shown}: the registry walk took longer than "
                f"{self.limits.scan_deadline:g}s (limits.mlflow_scan_deadline); the rest of the "
                "registry was not read"
            )
        self._usage.requests += 1
        headers = {"Accept": "application/json", "User-Agent": "mlscan"}
        auth = self.credentials.header()
        if auth and net.same_origin(url, self.base):  # never to another origin
            headers["Authorization"] = auth
        deadline = self.limits.deadline + grace
        bounds = net.Bounds(
            deadline=min(deadline, left), read_timeout=self.limits.timeout, max_bytes=limit
        )
        try:
            return net.request(
                "GET", url, bounds, headers=headers, sink=sink)
        except net.ResponseTooLarge as exc:
            if sink is not None:
                raise ArtifactTooLarge(path, limit) from exc
            raise MlflowRestError(
                f"MLflow server {self.shown} sent more than {limit} bytes for {path}"
            ) from exc
        except net.DeadlineExceeded as exc:
            if bounds.deadline < deadline:
                raise RequestBudgetExhausted(
                    f"MLflow server {self.shown}: the registry walk took longer than "
                    f"{self.limits.scan_deadline:g}s (limits.mlflow_scan_deadline); the rest "
                    "of the registry was not read"
                ) from exc
            raise MlflowRestError(
                f"MLflow server {self.shown} did not complete {path} within "
                f"{deadline:g}s (limits.mlflow_request_deadline, "
                "--mlflow-deadline); a slow or stalling server"
            ) from exc
        except net.ReadTimeout as exc:
            raise MlflowRestError(
                f"MLflow server {self.shown} did not answer within {self.limits.timeout:g}s "
                "(raise --mlflow-timeout or check the URL)"
            ) from exc
        except net.TransportError as exc:
            raise MlflowRestError(
                f"MLflow server {self.shown} is unreachable ({exc}); check --mlflow-uri"
            ) from exc

    def _redirect_target(self, url: str, path: str, location: str | None) -> str:
        if not location:
            raise MlflowRestError(
                f"MLflow server {self.shown} answered a redirect without a Location for {path}"
            )
        try:
            target = urllib.parse.urljoin(url, location.strip())
            scheme = urllib.parse.urlsplit(target).scheme.lower()
        except ValueError as exc:
            raise MlflowRestError(
                f"MLflow server {self.shown} redirected {path} to an invalid URL"
            ) from exc
        if scheme not in ("http", "https"):
            raise MlflowRestError(
                f"MLflow server {self.shown} redirected {path} to a {scheme or 'relative'}:// "
                "URL; mlscan follows only http(s) redirects to the same server"
            )
        if not net.same_origin(target, self.base):
            raise MlflowRestError(
                f"MLflow server {self.shown} redirected {path} to another origin "
                f"({_shown_origin(target)}); mlscan follows redirects only within "
                f"{_shown_origin(self.base)} so that credentials never reach another host. "
                "Point --mlflow-uri at the server that answers"
            )
        return target

    def _check_status(self, status: int, path: str) -> None:
        if 200 <= status < 300:
            return
        if status == 401:
            raise MlflowRestError(
                f"MLflow server {self.shown} answered 401 Unauthorized: set "
                "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN"
            )
        if status == 403:
            raise MlflowRestError(
                f"MLflow server {self.shown} answered 403 Forbidden for {path}: the account "
                "needs READ permission on the registered models"
            )
        if status == 404:
            raise _NotFound(path)
        raise MlflowRestError(f"MLflow server {self.shown} answered HTTP {status} for {path}")

    def _request(
        self, path: str, params: Mapping[str, str] | None = None, limit: int = MAX_JSON_BYTES
    ) -> bytes:
        return self._fetch(path, params, limit)

    def _json(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        data = self._request(path, params)
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise MlflowRestError(
                f"MLflow server {self.shown} sent invalid JSON for {path}"
            ) from exc
        if not isinstance(doc, dict):
            raise MlflowRestError(f"MLflow server {self.shown} sent unexpected JSON for {path}")
        return doc

    def _pages(
        self, what: str, where: str, path: str, params: Mapping[str, str], key: str
    ) -> Iterator[Any]:
        """Every item under ``key`` of a paged listing, within the listing bounds."""
        lim = self.limits
        token = ""
        seen: set[str] = set()
        entries = 0
        for page in range(lim.max_pages):
            query = dict(params)
            if token:
                query["page_token"] = token
            doc = self._json(path, query)
            items = doc.get(key)
            for item in items if isinstance(items, list) else []:
                if entries >= lim.max_entries:
                    self._note(where, f"the {what} listing was cut at {lim.max_entries} entries "
                               "(limits.mlflow_max_entries)")
                    return
                entries += 1
                yield item
            token = str(doc.get("next_page_token") or "")
            if not token:
                return
            if token in seen:
                self._note(where, f"the server repeated a next_page_token in the {what} "
                           f"listing after {page + 1} pages; the listing was stopped there")
                return
            seen.add(token)
        self._note(where, f"the {what} listing was cut at {lim.max_pages} pages "
                   "(limits.mlflow_max_pages)")

    # ------------------------------------------------------------------ endpoints
    def registered_models(self) -> Iterator[dict[str, Any]]:
        for m in self._pages(
            "registered models", self.shown, "/api/2.0/mlflow/registered-models/search",
            {"max_results": str(PAGE)}, "registered_models",
        ):
            if isinstance(m, dict) and isinstance(m.get("name"), str):
                yield m

    def model_versions(self, name: str) -> Iterator[dict[str, Any]]:
        escaped = name.replace("'", "\\'")
        params = {"filter": f"name='{escaped}'", "max_results": str(PAGE)}
        for v in self._pages(
            "model versions", f"models:/{name}", "/api/2.0/mlflow/model-versions/search",
            params, "model_versions",
        ):
            if isinstance(v, dict) and v.get("name") == name:
                yield v

    def version_artifact(
        self, name: str, version: str, path: str, limit: int = MAX_ARTIFACT_BYTES
    ) -> bytes | None:
        try:
            return self._request(
                "/model-versions/get-artifact",
                {"path": path, "name": name, "version": version},
                limit=limit,
            )
        except _NotFound:
            return None

    def download_version_artifact(
        self, name: str, version: str, path: str, dest: BinaryIO, limit: int,
        listed_size: int | None = None,
    ) -> tuple[int, str] | None:
        """Stream one artifact file of a model version into ``dest``: (size, sha256), or
        None when the server has no such file. Raises ArtifactTooLarge past ``limit`` bytes
        (whatever size the listing claimed). The request deadline grows by one second per
        ``DOWNLOAD_RATE`` bytes of the listed size (at most ``limit``), so that large
        weights can arrive; the scan's time budget still bounds the total."""
        expected = min(listed_size, limit) if listed_size and listed_size > 0 else 0
        out = _Digesting(dest)
        try:
            self._fetch(
                "/model-versions/get-artifact",
                {"path": path, "name": name, "version": version},
                limit,
                sink=out.write,
                grace=expected / DOWNLOAD_RATE,
            )
        except _NotFound:
            return None
        return out.size, out.digest.hexdigest()

    def list_version_files(self, version: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """Files of a version's model directory, or None when the server cannot list them."""
        source = str(version.get("source") or "")
        where = f"models:/{version.get('name')}/{version.get('version')}"
        try:
            if source.startswith("models:/m-"):
                model_id = source.removeprefix("models:/").split("/", 1)[0]
                return _Walk(self, where, lambda sub: self._logged_model_dir(model_id, sub),
                             root="").run("")
            if source.startswith("runs:/"):
                run_id, _, sub = source.removeprefix("runs:/").partition("/")
                return _Walk(self, where, lambda d: self._run_dir(run_id, d), root=sub).run(sub)
        except _NotFound:
            return None
        return None

    def _logged_model_dir(self, model_id: str, sub: str) -> list[tuple[str, bool, Any]]:
        params = {"artifact_directory_path": sub} if sub else None
        doc = self._json(
            f"/ajax-api/2.0/mlflow/logged-models/{urllib.parse.quote(model_id)}/artifacts/directories",
            params,
        )
        out: list[tuple[str, bool, Any]] = []
        for f in _files(doc):
            path = f["path"]
            rel = f"{sub}/{path}" if sub and not path.startswith(sub + "/") else path
            out.append((rel, bool(f.get("is_dir")), f.get("file_size")))
        return out

    def _run_dir(self, run_id: str, sub: str) -> list[tuple[str, bool, Any]]:
        params = {"run_id": run_id}
        if sub:
            params["path"] = sub
        doc = self._json("/api/2.0/mlflow/artifacts/list", params)
        return [(f["path"], bool(f.get("is_dir")), f.get("file_size")) for f in _files(doc)]


def _files(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = doc.get("files")
    return [f for f in raw if isinstance(f, dict) and isinstance(f.get("path"), str)] if (
        isinstance(raw, list)) else []


class _Walk:
    """A breadth-first walk of a version's artifact directories: bounded in depth,
    directories listed and files kept; each bound hit is one notification."""

    def __init__(self, client: MlflowRest, where: str,
                 list_dir: Callable[[str], list[tuple[str, bool, Any]]], root: str) -> None:
        self.client = client
        self.where = where
        self.list_dir = list_dir
        self.root = root
        self.cut: set[str] = set()

    def _cut(self, what: str) -> None:
        if what not in self.cut:
            self.cut.add(what)
            self.client._note(self.where, f"artifact listing incomplete: {what}")

    def run(self, start: str) -> list[dict[str, Any]]:
        lim = self.client.limits
        out: list[dict[str, Any]] = []
        queue: list[tuple[str, int]] = [(start, 0)]
        listed: set[str] = set()
        while queue:
            sub, depth = queue.pop(0)
            if sub in listed:
                continue  # a listing that names itself (or a directory twice)
            if len(listed) >= lim.max_walk_dirs:
                self._cut(f"more than {lim.max_walk_dirs} directories "
                          "(limits.mlflow_max_walk_dirs)")
                break
            listed.add(sub)
            for path, is_dir, size in self.list_dir(sub):
                if is_dir:
                    if depth + 1 > lim.max_walk_depth:
                        self._cut(f"directories deeper than {lim.max_walk_depth} levels "
                                  "(limits.mlflow_max_walk_depth)")
                    else:
                        queue.append((path, depth + 1))
                    continue
                if len(out) >= lim.max_entries:
                    self._cut(f"more than {lim.max_entries} files (limits.mlflow_max_entries)")
                    return out
                root = self.root
                rel = path[len(root) + 1:] if root and path.startswith(root + "/") else path
                out.append({"path": rel, "size": _int(size)})
        return out


class _Digesting:
    """A sink that writes to ``dest`` and keeps the size and sha256 of what passed."""

    def __init__(self, dest: BinaryIO) -> None:
        self.dest = dest
        self.size = 0
        self.digest = hashlib.sha256()

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        self.digest.update(chunk)
        return self.dest.write(chunk)


class _NotFound(Exception):
    pass


class ArtifactTooLarge(Exception):
    """A downloaded artifact went past its size limit (the download stops there)."""

    def __init__(self, path: str, limit: int) -> None:
        super().__init__(f"{path} is larger than {limit} bytes")
        self.path = path
        self.limit = limit


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
