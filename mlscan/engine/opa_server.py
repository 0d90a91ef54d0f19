"""The remote engine: an OPA server over its REST API.

Two modes:

* push (default): upload every non-test policy of the set with ``PUT /v1/policies/<id>``
  under ``mlscan/<policy hash>/<path>``, delete mlscan policies of any other hash (a
  previous version would merge into the same packages), then query. Meant for an OPA
  that serves one pipeline (a CI service container, a sidecar).
* server policies (``use_server_policies=True``): query only; the server already holds
  the controls, e.g. from ``mlscan policy bundle`` loaded with ``opa run --bundle`` or a
  bundle service. The server's control packages must be the local catalogue's, and the
  bundle's recorded policy hash (when readable) ours, or the findings could silently
  differ; a mismatch is an EngineError.

Either way the facts are posted once to ``POST /v1/data/mlscan/controls`` and every
package's ``deny`` is picked from the result, as the embedded engine does. The server is
untrusted: every request goes through ``mlscan.net.request`` (a whole-request deadline,
``limits.opa_request_deadline``; a per-read timeout, ``MLSCAN_OPA_TIMEOUT``; a size bound,
``limits.opa_max_response``), redirects are not followed, and an answer nested deeper than
``limits.max_nesting_depth`` is refused. Every failure (unreachable, timeout, deadline,
too large, too deep, HTTP error with OPA's ``{"code", "message"}`` body) is an
EngineError with one line; a policy the server rejects is a PolicyError naming the file
and line when OPA gives one.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from mlscan import net
from mlscan.controls import CONTROL_PREFIX, PolicySet
from mlscan.engine.base import RawViolations, collect_denies
from mlscan.engine.embedded import encode_input
from mlscan.errors import EngineError, PolicyError

ID_PREFIX = "mlscan/"
DATA_PATH = "mlscan.controls"
DEFAULT_TIMEOUT = 10.0
DEFAULT_DEADLINE = 60.0
DEFAULT_MAX_RESPONSE = 64 * 1024 * 1024
DEFAULT_MAX_DEPTH = 200
MAX_STALE = 1_000  # policies of other policy sets deleted in push mode
TIMEOUT_ENV = "MLSCAN_OPA_TIMEOUT"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class _Rejected(EngineError):
    """OPA refused a request with compile errors (HTTP 400 with ``errors``)."""

    def __init__(self, message: str, errors: list[Any]) -> None:
        super().__init__(message)
        self.errors = errors


def _one_line(text: Any, limit: int = 300) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[: limit - 3] + "..."


def policy_ids(policies: PolicySet) -> dict[str, str]:
    """Policy id on the server -> shown path, for every non-test file of the set."""
    prefix = f"{ID_PREFIX}{policies.policy_hash()}/"
    out: dict[str, str] = {}
    for f in sorted(policies.files, key=lambda f: f.shown):
        if f.is_test:
            continue
        if f.builtin:
            rel = f.shown
        else:
            parts = [p for p in f.shown.split("/") if p not in ("", ".")]
            rel = "custom/" + "/".join("__" if p == ".." else _UNSAFE.sub("_", p) for p in parts)
        pid = prefix + rel
        n = 2
        while pid in out:
            pid = f"{prefix}{rel}.{n}"
            n += 1
        out[pid] = f.shown
    return out


def resolve_timeout(timeout: float | None) -> float:
    if timeout is not None:
        return float(timeout)
    raw = os.environ.get(TIMEOUT_ENV)
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise EngineError(f"{TIMEOUT_ENV}={raw!r} must be a positive number of seconds")
    return value


class OpaServerEngine:
    name = "opa"

    def __init__(
        self,
        policies: PolicySet,
        url: str,
        *,
        use_server_policies: bool = False,
        token: str | None = None,
        timeout: float | None = None,
        deadline: float = DEFAULT_DEADLINE,
        max_response: int = DEFAULT_MAX_RESPONSE,
        max_depth: int = DEFAULT_MAX_DEPTH,
    ) -> None:
        self._policies = policies
        self._use_server_policies = use_server_policies
        self._timeout = resolve_timeout(timeout)
        self._deadline = float(deadline)  # limits.opa_request_deadline
        self._max_bytes = int(max_response)  # limits.opa_max_response
        self._max_depth = int(max_depth)  # limits.max_nesting_depth
        self._token = token or None
        try:
            parts = urlsplit(url.strip())
        except ValueError as exc:
            raise EngineError(f"--opa-url is not a valid URL ({exc})") from exc
        if "@" in parts.netloc:  # checked first: never echo credentials in a message
            raise EngineError(
                "--opa-url must not carry credentials; put the token in MLSCAN_OPA_TOKEN"
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EngineError(f"--opa-url {url!r} must look like http(s)://host[:port]")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise EngineError(
                f"--opa-url {url!r}: give only scheme, host and port (no path); mlscan adds "
                "/v1/policies and /v1/data itself"
            )
        try:
            _ = parts.port
        except ValueError as exc:
            raise EngineError(f"--opa-url {url!r}: invalid port") from exc
        self.url = f"{parts.scheme}://{parts.netloc}"

    # -- transport -------------------------------------------------------------------

    def _send(self, method: str, path: str, body: bytes | None = None,
              content_type: str | None = None) -> net.Response:
        what = f"{method} {path}"
        headers = {"Accept": "application/json", "User-Agent": "mlscan"}
        if content_type:
            headers["Content-Type"] = content_type
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        bounds = net.Bounds(deadline=self._deadline, read_timeout=self._timeout,
                            max_bytes=self._max_bytes)
        try:
            return net.request(method, self.url + path, bounds, headers=headers, body=body)
        except net.ReadTimeout as exc:
            raise EngineError(
                f"OPA server {self.url} did not answer {what} within {self._timeout:g}s; "
                f"check the server or raise {TIMEOUT_ENV}"
            ) from exc
        except net.DeadlineExceeded as exc:
            raise EngineError(
                f"OPA server {self.url} did not complete {what} within {self._deadline:g}s "
                "(limits.opa_request_deadline); a slow or stalling server"
            ) from exc
        except net.ResponseTooLarge as exc:
            raise EngineError(
                f"OPA server {self.url} sent more than {self._max_bytes} bytes for {what} "
                "(limits.opa_max_response)"
            ) from exc
        except net.Unreachable as exc:
            if str(exc).startswith("invalid HTTP answer"):
                raise EngineError(f"OPA server {self.url} sent an {exc} to {what}") from exc
            raise EngineError(
                f"cannot reach the OPA server at {self.url} ({what}); check --opa-url and "
                "that OPA is running"
            ) from exc

    def _decode(self, what: str, data: bytes) -> Any:
        """The JSON of an answer, refused when invalid or nested too deep."""
        try:
            doc = json.loads(data)
        except RecursionError as exc:
            raise self._too_deep(what) from exc
        except ValueError as exc:
            raise EngineError(f"OPA server {self.url} sent invalid JSON for {what}") from exc
        if _depth_over(doc, self._max_depth):
            raise self._too_deep(what)
        return doc

    def _too_deep(self, what: str) -> EngineError:
        return EngineError(
            f"OPA server {self.url} sent JSON nested deeper than {self._max_depth} levels for "
            f"{what} (limits.max_nesting_depth)"
        )

    def _call(self, method: str, path: str, body: bytes | None = None,
              content_type: str | None = None) -> Any:
        """The decoded JSON answer of a 2xx; an EngineError (or _Rejected for a policy
        that does not compile) otherwise."""
        what = f"{method} {path}"
        resp = self._send(method, path, body, content_type)
        if 200 <= resp.status < 300:
            return self._decode(what, resp.body) if resp.body.strip() else {}
        try:
            err = self._decode(what, resp.body) if resp.body.strip() else None
        except EngineError:
            err = None
        error = self._http_error(what, resp.status, err)
        if (resp.status == 400 and isinstance(err, dict) and isinstance(err.get("errors"), list)
                and err["errors"]):
            raise _Rejected(str(error), err["errors"])
        raise error

    def _http_error(self, what: str, status: int | None, body: Any) -> EngineError:
        code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        detail = f"{code}: {message}" if code or message else "no error details"
        hint = ""
        if status in (401, 403) or code == "unauthorized":
            hint = "; check MLSCAN_OPA_TOKEN"
        answered = f"answered HTTP {status} to" if status else "refused"
        return EngineError(_one_line(f"OPA server {self.url} {answered} {what}: {detail}") + hint)

    # -- push mode -------------------------------------------------------------------

    def _push(self) -> None:
        ids = policy_ids(self._policies)
        current = f"{ID_PREFIX}{self._policies.policy_hash()}/"
        listing = self._call("GET", "/v1/policies")
        rows = listing.get("result") if isinstance(listing, dict) else None
        existing = [r.get("id") for r in rows or [] if isinstance(r, dict)]
        stale = sorted(
            p for p in existing
            if isinstance(p, str) and p.startswith(ID_PREFIX) and not p.startswith(current)
        )
        if len(stale) > MAX_STALE:
            raise EngineError(
                f"the OPA server {self.url} lists {len(stale)} mlscan policies of other policy "
                f"sets (more than {MAX_STALE}); clean it up or use a server per pipeline"
            )
        self._delete(stale)
        texts = {f.shown: f.text for f in self._policies.files}
        packages = {f.shown: f.package for f in self._policies.files}
        # helpers first: OPA type-checks each module against those already loaded, so a
        # control calling a library function must come after the library
        pending = sorted(ids, key=lambda pid: (packages[ids[pid]].startswith(CONTROL_PREFIX), pid))
        while pending:
            refused: list[tuple[str, _Rejected]] = []
            for pid in pending:
                try:
                    self._call("PUT", _policy_path(pid), texts[ids[pid]].encode("utf-8"),
                               "text/plain")
                except _Rejected as exc:
                    refused.append((pid, exc))  # a compile error: maybe a missing helper
            if len(refused) == len(pending):  # no progress: a real error in the policy
                first, error = refused[0]
                raise self._policy_error(first, ids[first], error) from error
            pending = [pid for pid, _ in refused]

    def _policy_error(self, pid: str, shown: str, err: _Rejected) -> PolicyError | EngineError:
        for e in err.errors:
            if not isinstance(e, dict):
                continue
            loc = e.get("location") or {}
            row = loc.get("row") if isinstance(loc, dict) else None
            return PolicyError(
                shown,
                _one_line(
                    f"rejected by the OPA server {self.url}: {e.get('code', 'error')}: "
                    f"{e.get('message', '')}"
                ),
                row if isinstance(row, int) else None,
            )
        return EngineError(_one_line(f"OPA server {self.url} rejected {shown}: {err}"))

    def _delete(self, ids: list[str]) -> None:
        """Delete policies; OPA refuses to delete a module others depend on, so retry the
        refused ones after the rest are gone."""
        pending = list(ids)
        while pending:
            refused: list[str] = []
            last: EngineError | None = None
            for pid in pending:
                try:
                    self._call("DELETE", _policy_path(pid))
                except EngineError as exc:
                    refused.append(pid)
                    last = exc
            if len(refused) == len(pending):
                assert last is not None
                raise last
            pending = refused

    # -- evaluation ------------------------------------------------------------------

    def evaluate(self, facts: Mapping[str, Any]) -> RawViolations:
        if not self._use_server_policies:
            self._push()
        body = b'{"input":' + encode_input(facts).encode("utf-8") + b"}"
        response = self._call(
            "POST", f"/v1/data/{DATA_PATH.replace('.', '/')}", body, "application/json"
        )
        if not isinstance(response, dict):
            raise EngineError(f"OPA server {self.url} answered with a non-object document")
        if "result" not in response:
            if self._use_server_policies and self._policies.controls:
                raise EngineError(
                    f"the OPA server {self.url} has no policies under data.mlscan.controls; "
                    "load the bundle from `mlscan policy bundle` or drop "
                    "--opa-use-server-policies"
                )
            return {}
        raw = collect_denies(response["result"])
        if self._use_server_policies:
            self._check_catalogue(raw)
            self._check_bundle_hash()
        return raw

    def _check_bundle_hash(self) -> None:
        """When the server's bundle carries mlscan's manifest metadata (``mlscan policy
        bundle`` writes it), its policy hash must be ours: the same control packages with
        different Rego (an older bundle) would silently give different findings. OPA keeps
        bundle manifests under ``data.system.bundles``; when that is not readable (an
        authorization policy, policies loaded another way) there is nothing to compare."""
        try:
            answer = self._call("GET", "/v1/data/system/bundles")
        except EngineError as exc:
            # an authorization policy hiding data.system: nothing to compare; anything
            # else (unreachable, timeout, a server error) is a clear error, not a skip
            if any(f"HTTP {code} " in str(exc) for code in (401, 403, 404)):
                return
            raise
        bundles = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(bundles, dict):
            return
        found: list[tuple[str, str]] = []
        for name, info in sorted(bundles.items()):
            manifest = info.get("manifest") if isinstance(info, dict) else None
            if not isinstance(manifest, dict):
                continue
            meta = manifest.get("metadata")
            ours = meta.get("mlscan") if isinstance(meta, dict) else None
            if isinstance(ours, dict) and isinstance(ours.get("policy_hash"), str):
                found.append((str(manifest.get("revision", name)), ours["policy_hash"]))
        local = self._policies.policy_hash()
        if found and local not in {h for _, h in found}:
            revision, remote = found[0]
            raise EngineError(
                f"the OPA server {self.url} runs bundle revision {revision!r} built from other "
                f"policies (policy hash {remote}; this mlscan: {local}); rebuild the bundle with "
                "`mlscan policy bundle` from this version and the same --policy folders"
            )

    def _check_catalogue(self, raw: Mapping[str, Any]) -> None:
        local = {c.package for c in self._policies.controls}
        remote = {p for p in raw if p.startswith(CONTROL_PREFIX)}
        missing = sorted(local - remote)
        unknown = sorted(remote - local)
        if missing or unknown:
            parts = []
            if missing:
                parts.append("missing on the server: " + ", ".join(missing[:5]))
            if unknown:
                parts.append("unknown to this mlscan: " + ", ".join(unknown[:5]))
            raise EngineError(
                f"the OPA server {self.url} holds a different control set ({'; '.join(parts)}); "
                "rebuild the bundle with `mlscan policy bundle` from this version and the same "
                "--policy folders"
            )


def _policy_path(pid: str) -> str:
    return "/v1/policies/" + urllib.parse.quote(pid, safe="/")


def _depth_over(doc: Any, limit: int) -> bool:
    """Whether ``doc`` nests lists and objects deeper than ``limit`` (iteratively: the
    check itself must not run out of stack)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False
