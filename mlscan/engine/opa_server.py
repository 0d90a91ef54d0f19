"""The remote engine: an OPA server over its REST API, through ``opa-python-client``.

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
package's ``deny`` is picked from the result, as the embedded engine does. Every failure
(unreachable, timeout, HTTP error with OPA's ``{"code", "message"}`` body) is an
EngineError with one line; a policy the server rejects is a PolicyError naming the file
and line when OPA gives one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from mlscan.controls import CONTROL_PREFIX, PolicySet
from mlscan.engine.base import RawViolations, collect_denies
from mlscan.errors import EngineError, PolicyError

ID_PREFIX = "mlscan/"
DATA_PATH = "mlscan.controls"
DEFAULT_TIMEOUT = 10.0
TIMEOUT_ENV = "MLSCAN_OPA_TIMEOUT"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
T = TypeVar("T")


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
        retries: int = 1,
    ) -> None:
        self._policies = policies
        self._use_server_policies = use_server_policies
        self._timeout = resolve_timeout(timeout)
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
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise EngineError(f"--opa-url {url!r}: invalid port") from exc
        host = parts.hostname
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        self.url = f"{parts.scheme}://{parts.netloc}"
        try:
            from opa_client import OpaClient
        except ImportError as exc:  # pragma: no cover - packaging error
            raise EngineError(
                "--opa-url needs the 'opa-python-client' package; reinstall mlscan"
            ) from exc
        self._client = OpaClient(
            host=host,
            port=port,
            ssl=parts.scheme == "https",
            token=token or None,
            timeout=self._timeout,
            retries=retries,
        )

    # -- error mapping ---------------------------------------------------------------

    @staticmethod
    def _chain(exc: BaseException) -> list[BaseException]:
        """The exception, its causes and the urllib3 reasons wrapped inside it."""
        seen: set[int] = set()
        out: list[BaseException] = []
        todo: list[Any] = [exc]
        while todo:
            e = todo.pop()
            if not isinstance(e, BaseException) or id(e) in seen:
                continue
            seen.add(id(e))
            out.append(e)
            todo.extend([getattr(e, "reason", None), e.__cause__, e.__context__])
            todo.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        return out

    def _is_timeout(self, exc: BaseException) -> bool:
        import requests
        from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

        chain = self._chain(exc)
        if any(isinstance(e, NewConnectionError) for e in chain):
            return False  # refused / unresolvable: urllib3 derives it from ConnectTimeoutError
        timeouts = (requests.exceptions.Timeout, ReadTimeoutError, ConnectTimeoutError)
        return any(isinstance(e, timeouts) for e in chain)

    def _http_error(self, what: str, status: int | None, body: Any) -> EngineError:
        code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        detail = f"{code}: {message}" if code or message else "no error details"
        hint = ""
        if status in (401, 403) or code == "unauthorized":
            hint = "; check MLSCAN_OPA_TOKEN"
        answered = f"answered HTTP {status} to" if status else "refused"
        return EngineError(_one_line(f"OPA server {self.url} {answered} {what}: {detail}") + hint)

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        import requests
        from opa_client.errors import DeletePolicyError, PolicyNotFoundError, RegoParseError

        try:
            return fn()
        except requests.exceptions.HTTPError as exc:
            response = exc.response
            status = response.status_code if response is not None else 0
            try:
                body = response.json() if response is not None else None
            except ValueError:
                body = None
            raise self._http_error(what, status, body) from exc
        except requests.exceptions.RequestException as exc:
            if self._is_timeout(exc):
                raise EngineError(
                    f"OPA server {self.url} did not answer {what} within {self._timeout:g}s; "
                    f"check the server or raise {TIMEOUT_ENV}"
                ) from exc
            if isinstance(exc, requests.exceptions.ConnectionError):
                raise EngineError(
                    f"cannot reach the OPA server at {self.url} ({what}); check --opa-url and "
                    "that OPA is running"
                ) from exc
            raise EngineError(
                _one_line(f"OPA server {self.url} failed on {what}: {type(exc).__name__}: {exc}")
            ) from exc
        except (RegoParseError, DeletePolicyError, PolicyNotFoundError) as exc:
            body = {"code": exc.expression, "message": exc.message}
            raise self._http_error(what, None, body) from exc

    # -- push mode -------------------------------------------------------------------

    def _push(self) -> None:
        from opa_client.errors import RegoParseError

        ids = policy_ids(self._policies)
        current = f"{ID_PREFIX}{self._policies.policy_hash()}/"
        existing = self._call("GET /v1/policies", self._client.get_policies_list)
        stale = sorted(
            str(p)
            for p in existing
            if str(p).startswith(ID_PREFIX) and not str(p).startswith(current)
        )
        self._delete(stale)
        texts = {f.shown: f.text for f in self._policies.files}
        packages = {f.shown: f.package for f in self._policies.files}
        # helpers first: OPA type-checks each module against those already loaded, so a
        # control calling a library function must come after the library
        pending = sorted(ids, key=lambda pid: (packages[ids[pid]].startswith(CONTROL_PREFIX), pid))
        while pending:
            refused: list[tuple[str, EngineError]] = []
            for pid in pending:
                try:
                    self._call(
                        f"PUT /v1/policies/{pid}",
                        partial(
                            self._client.update_policy_from_string,
                            texts[ids[pid]],
                            pid,
                            rego_compat=False,
                        ),
                    )
                except EngineError as exc:
                    cause = exc.__cause__
                    if not (isinstance(cause, RegoParseError) and cause.errors):
                        raise  # not a compile error: unreachable, unauthorized, 5xx
                    refused.append((pid, exc))
            if len(refused) == len(pending):  # no progress: a real error in the policy
                first, error = refused[0]
                raise self._policy_error(first, ids[first], error.__cause__) from error.__cause__
            pending = [pid for pid, _ in refused]

    def _policy_error(self, pid: str, shown: str, err: Any) -> PolicyError | EngineError:
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
                    self._call(
                        f"DELETE /v1/policies/{pid}", partial(self._client.delete_policy, pid)
                    )
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
        response = self._call(
            f"POST /v1/data/{DATA_PATH.replace('.', '/')}",
            lambda: self._client.query_rule(input_data=dict(facts), package_path=DATA_PATH),
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
            answer = self._call(
                "GET /v1/data/system/bundles", lambda: self._client.get_data("system/bundles")
            )
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
