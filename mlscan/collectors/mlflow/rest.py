"""A small, read-only client for the MLflow tracking server's REST API.

Only the endpoints mlscan needs: registered models, model versions, a version's MLmodel
and artifact listing, and single artifact files. Responses are untrusted input: sizes
are bounded, JSON is validated, and every failure becomes an ``MlflowRestError`` with a
one-line message (unreachable, timeout, 401, 403, other HTTP errors).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from mlscan.errors import MlscanError

MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_ARTIFACT_BYTES = 16 * 1024 * 1024
PAGE = 1000
CHUNK = 1 << 20


class MlflowRestError(MlscanError):
    """The MLflow server could not be queried."""


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


class MlflowRest:
    def __init__(self, base_url: str, credentials: Credentials, timeout: float = 10.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise MlflowRestError(
                f"--mlflow-uri {base_url!r} is not an http(s) URL; use e.g. http://127.0.0.1:5000"
            )
        self.base = base_url.rstrip("/")
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        # never show userinfo: it may hold a password
        self.shown = urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))
        self.credentials = credentials
        self.timeout = timeout

    # ------------------------------------------------------------------ transport
    def _open(self, path: str, params: Mapping[str, str] | None) -> Any:
        """The open HTTP response (a context manager); errors become MlflowRestError."""
        url = self.base + path
        if params:
            url += "?" + urllib.parse.urlencode(params)
        req = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            url, headers={"Accept": "application/json", "User-Agent": "mlscan"}
        )
        auth = self.credentials.header()
        if auth:
            req.add_header("Authorization", auth)
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)  # noqa: S310
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code == 401:
                raise MlflowRestError(
                    f"MLflow server {self.shown} answered 401 Unauthorized: set "
                    "MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN"
                ) from exc
            if exc.code == 403:
                raise MlflowRestError(
                    f"MLflow server {self.shown} answered 403 Forbidden for {path}: the account "
                    "needs READ permission on the registered models"
                ) from exc
            if exc.code == 404:
                raise _NotFound(path) from exc
            raise MlflowRestError(
                f"MLflow server {self.shown} answered HTTP {exc.code} for {path}"
            ) from exc
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            raise self._transport_error(exc) from exc

    def _transport_error(self, exc: BaseException) -> MlflowRestError:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError | socket.timeout):
            return MlflowRestError(
                f"MLflow server {self.shown} did not answer within {self.timeout:g}s "
                "(raise --mlflow-timeout or check the URL)"
            )
        if isinstance(exc, urllib.error.URLError):
            return MlflowRestError(
                f"MLflow server {self.shown} is unreachable ({reason}); check --mlflow-uri"
            )
        return MlflowRestError(f"MLflow server {self.shown} is unreachable ({exc})")

    def _request(
        self, path: str, params: Mapping[str, str] | None = None, limit: int = MAX_JSON_BYTES
    ) -> bytes:
        try:
            with self._open(path, params) as resp:
                data: bytes = resp.read(limit + 1)
        except (TimeoutError, OSError) as exc:
            raise self._transport_error(exc) from exc
        if len(data) > limit:
            raise MlflowRestError(
                f"MLflow server {self.shown} sent more than {limit} bytes for {path}"
            )
        return data

    def _json(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        data = self._request(path, params)
        try:
            doc = json.loads(data)
        except ValueError as exc:
            raise MlflowRestError(
                f"MLflow server {self.shown} sent invalid JSON for {path}"
            ) from exc
        if not isinstance(doc, dict):
            raise MlflowRestError(f"MLflow server {self.shown} sent unexpected JSON for {path}")
        return doc

    # ------------------------------------------------------------------ endpoints
    def registered_models(self) -> Iterator[dict[str, Any]]:
        token = ""
        while True:
            params = {"max_results": str(PAGE)}
            if token:
                params["page_token"] = token
            doc = self._json("/api/2.0/mlflow/registered-models/search", params)
            for m in doc.get("registered_models") or []:
                if isinstance(m, dict) and isinstance(m.get("name"), str):
                    yield m
            token = str(doc.get("next_page_token") or "")
            if not token:
                return

    def model_versions(self, name: str) -> Iterator[dict[str, Any]]:
        token = ""
        escaped = name.replace("'", "\\'")
        while True:
            params = {"filter": f"name='{escaped}'", "max_results": str(PAGE)}
            if token:
                params["page_token"] = token
            doc = self._json("/api/2.0/mlflow/model-versions/search", params)
            for v in doc.get("model_versions") or []:
                if isinstance(v, dict) and v.get("name") == name:
                    yield v
            token = str(doc.get("next_page_token") or "")
            if not token:
                return

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
        self, name: str, version: str, path: str, dest: BinaryIO, limit: int
    ) -> tuple[int, str] | None:
        """Stream one artifact file of a model version into ``dest``: (size, sha256), or
        None when the server has no such file. Raises ArtifactTooLarge past ``limit`` bytes
        (whatever size the listing claimed)."""
        digest = hashlib.sha256()
        size = 0
        try:
            with self._open(
                "/model-versions/get-artifact", {"path": path, "name": name, "version": version}
            ) as resp:
                while True:
                    chunk = resp.read(min(CHUNK, limit + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise ArtifactTooLarge(path, limit)
                    digest.update(chunk)
                    dest.write(chunk)
        except _NotFound:
            return None
        except (TimeoutError, OSError) as exc:
            raise self._transport_error(exc) from exc
        return size, digest.hexdigest()

    def list_version_files(self, version: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """Files of a version's model directory, or None when the server cannot list them."""
        source = str(version.get("source") or "")
        try:
            if source.startswith("models:/m-"):
                model_id = source.removeprefix("models:/").split("/", 1)[0]
                return self._walk_logged_model(model_id, "", 0)
            if source.startswith("runs:/"):
                run_id, _, sub = source.removeprefix("runs:/").partition("/")
                return self._walk_run(run_id, sub, sub, 0)
        except _NotFound:
            return None
        return None

    def _walk_logged_model(self, model_id: str, sub: str, depth: int) -> list[dict[str, Any]]:
        params = {"artifact_directory_path": sub} if sub else None
        doc = self._json(
            f"/ajax-api/2.0/mlflow/logged-models/{urllib.parse.quote(model_id)}/artifacts/directories",
            params,
        )
        out: list[dict[str, Any]] = []
        for f in doc.get("files") or []:
            if not isinstance(f, dict) or not isinstance(f.get("path"), str):
                continue
            path = f["path"]
            rel = f"{sub}/{path}" if sub and not path.startswith(sub + "/") else path
            if f.get("is_dir") and depth < 8:
                out.extend(self._walk_logged_model(model_id, rel, depth + 1))
            elif not f.get("is_dir"):
                out.append({"path": rel, "size": _int(f.get("file_size"))})
        return out

    def _walk_run(self, run_id: str, root: str, sub: str, depth: int) -> list[dict[str, Any]]:
        params = {"run_id": run_id}
        if sub:
            params["path"] = sub
        doc = self._json("/api/2.0/mlflow/artifacts/list", params)
        out: list[dict[str, Any]] = []
        for f in doc.get("files") or []:
            if not isinstance(f, dict) or not isinstance(f.get("path"), str):
                continue
            path = f["path"]
            if f.get("is_dir") and depth < 8:
                out.extend(self._walk_run(run_id, root, path, depth + 1))
            elif not f.get("is_dir"):
                rel = path[len(root) + 1 :] if root and path.startswith(root + "/") else path
                out.append({"path": rel, "size": _int(f.get("file_size"))})
        return out


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
