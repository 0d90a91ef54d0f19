"""Hostile servers: a live MLflow registry (--mlflow-uri) and an OPA server (--opa-url)
that redirect elsewhere, stall, loop or flood. Every server is a local stdlib server on
127.0.0.1 (tests/security/servers.py) whose slow answers are bounded loops.

Each test asserts that the bound was enforced (the error or the notification that names
it) and, for bounds that cut a listing short, that the rest of the scan still ran (the
sentinel finding of a normal file in the same tree)."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from mlscan.collectors.base import CollectOptions
from mlscan.errors import MlscanError
from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, run
from tests.helpers import run_cli
from tests.security import servers
from tests.security.support import SENTINEL, findings, plant_sentinel

TOKEN = "tok-7f3a9c-secret"
SEARCH_MODELS = "/api/2.0/mlflow/registered-models/search"
SEARCH_VERSIONS = "/api/2.0/mlflow/model-versions/search"
LIST_ARTIFACTS = "/api/2.0/mlflow/artifacts/list"
GET_ARTIFACT = "/model-versions/get-artifact"


def _query(h: BaseHTTPRequestHandler) -> tuple[str, dict[str, str]]:
    url = urllib.parse.urlsplit(h.path)
    return url.path, {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}


def registry(models: list[str], versions: int = 1, files: Any = None) -> servers.Route:
    """A well-behaved registry: ``models`` with ``versions`` versions each (source
    runs:/r1/model); ``files(sub) -> list`` answers artifacts/list (default: empty)."""

    def route(h: BaseHTTPRequestHandler) -> None:
        path, q = _query(h)
        if path == SEARCH_MODELS:
            servers.send_json(h, {"registered_models": [{"name": m} for m in models]})
        elif path == SEARCH_VERSIONS:
            name = q.get("filter", "").split("'")[1]
            servers.send_json(h, {"model_versions": [
                {"name": name, "version": str(i + 1), "source": "runs:/r1/model"}
                for i in range(versions)
            ]})
        elif path == LIST_ARTIFACTS:
            servers.send_json(h, {"files": files(q.get("path", "")) if files else []})
        else:
            servers.send_json(h, {"error_code": "RESOURCE_DOES_NOT_EXIST"}, status=404)

    return route


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "project"
    plant_sentinel(r)
    return r


@pytest.fixture
def token(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", TOKEN)
    monkeypatch.delenv("MLFLOW_TRACKING_USERNAME", raising=False)
    monkeypatch.delenv("MLFLOW_TRACKING_PASSWORD", raising=False)
    yield TOKEN


def scan_registry(root: Path, url: str, limits: dict[str, Any] | None = None,
                  **extra: Any) -> ScanResult:
    config = None
    if limits:
        config = root.parent / "ci-config.yaml"  # given with --config: outside the tree
        config.write_text(json.dumps({"limits": limits}), encoding="utf-8")
    return run(ScanOptions(paths=(str(root),), config_path=str(config) if config else None,
                           collect=CollectOptions(mlflow_uri=url, **extra)))


def registry_notes(result: ScanResult) -> list[tuple[str, str]]:
    return [(n.path, n.message) for n in result.notifications if n.kind == "registry-limit"]


# ---------------------------------------------------------------- redirects and credentials


def test_cross_origin_redirect_never_carries_the_token(root: Path, token: str) -> None:
    with servers.serve(registry(["m"])) as other:
        def route(h: BaseHTTPRequestHandler) -> None:
            servers.redirect(h, other.url + h.path)

        with servers.serve(route) as mlflow, pytest.raises(MlscanError) as err:
            scan_registry(root, mlflow.url)
    assert str(err.value) == (
        f"MLflow server {mlflow.url} redirected {SEARCH_MODELS} to another origin "
        f"({other.url}); mlscan follows redirects only within {mlflow.url} so that "
        "credentials never reach another host. Point --mlflow-uri at the server that answers"
    )
    assert [s.headers.get("authorization") for s in mlflow.seen] == [f"Bearer {TOKEN}"]
    assert not any("authorization" in s.headers for s in other.seen)
    assert other.seen == []  # not even contacted


def test_cross_origin_redirect_is_a_clear_cli_error(root: Path) -> None:
    with servers.serve(registry(["m"])) as other:
        def route(h: BaseHTTPRequestHandler) -> None:
            servers.redirect(h, other.url + h.path, status=307)

        with servers.serve(route) as mlflow:
            r = run_cli("scan", str(root), "--mlflow-uri", mlflow.url,
                        env={"MLFLOW_TRACKING_TOKEN": TOKEN}, timeout=120)
    assert r.code == 2
    assert "redirected /api/2.0/mlflow/registered-models/search to another origin" in r.err
    assert TOKEN not in r.err + r.out
    assert other.seen == []


def test_redirect_to_ftp_is_refused(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.redirect(h, "ftp://127.0.0.1/registered-models")

    with servers.serve(route) as mlflow, pytest.raises(MlscanError) as err:
        scan_registry(root, mlflow.url)
    assert str(err.value) == (
        f"MLflow server {mlflow.url} redirected {SEARCH_MODELS} to a ftp:// URL; mlscan "
        "follows only http(s) redirects to the same server"
    )
    assert len(mlflow.seen) == 1


def test_same_origin_redirect_is_followed_with_the_token(root: Path, token: str) -> None:
    inner = registry(["credit"])

    def route(h: BaseHTTPRequestHandler) -> None:
        if h.path.startswith("/old"):
            return inner_strip(h)
        servers.redirect(h, "/old" + h.path, status=301)

    def inner_strip(h: BaseHTTPRequestHandler) -> None:
        h.path = h.path.removeprefix("/old")
        inner(h)

    with servers.serve(route) as mlflow:
        result = scan_registry(root, mlflow.url)
    assert SENTINEL in findings(result)
    firsts = [s for s in mlflow.seen if s.path.startswith("/old")]
    assert firsts and all(s.headers.get("authorization") == f"Bearer {TOKEN}" for s in firsts)


def test_redirect_loop_is_bounded(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.redirect(h, h.path + "&x=1" if "?" in h.path else h.path + "?x=1")

    with servers.serve(route) as mlflow, pytest.raises(MlscanError) as err:
        scan_registry(root, mlflow.url)
    assert str(err.value) == (
        f"MLflow server {mlflow.url} redirected {SEARCH_MODELS} more than 5 times"
    )
    assert len(mlflow.seen) == 6


# ---------------------------------------------------------------- slow servers


def test_slowloris_status_line_hits_the_deadline(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.drip(h, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", every=0.5, limit=20)

    with servers.serve(route) as mlflow, pytest.raises(MlscanError) as err:
        scan_registry(root, mlflow.url, mlflow_deadline=1.5, mlflow_timeout=10)
    assert str(err.value) == (
        f"MLflow server {mlflow.url} did not complete {SEARCH_MODELS} within 1.5s "
        "(limits.mlflow_request_deadline, --mlflow-deadline); a slow or stalling server"
    )


def test_slowloris_body_hits_the_deadline_from_the_config(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        servers.drip(h, b'{"registered_models": [' + b" " * 900, every=0.3, limit=30)

    with servers.serve(route) as mlflow, pytest.raises(MlscanError) as err:
        scan_registry(root, mlflow.url, limits={"mlflow_request_deadline": 1.2})
    assert "did not complete /api/2.0/mlflow/registered-models/search within 1.2s" in str(
        err.value)


def test_slowloris_cli_deadline_option(root: Path) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.drip(h, b"HTTP/1.1 200 OK\r\n" * 3, every=1.0, limit=20)

    with servers.serve(route) as mlflow:
        r = run_cli("scan", str(root), "--mlflow-uri", mlflow.url, "--mlflow-deadline", "2",
                    timeout=120)
    assert r.code == 2
    assert r.err.strip() == (
        f"mlscan: error: MLflow server {mlflow.url} did not complete {SEARCH_MODELS} within "
        "2s (limits.mlflow_request_deadline, --mlflow-deadline); a slow or stalling server"
    )


# ---------------------------------------------------------------- listings


def test_repeating_page_token_stops_with_a_notification(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        path, _ = _query(h)
        if path == SEARCH_MODELS:
            servers.send_json(h, {"registered_models": [{"name": "loop"}],
                                  "next_page_token": "again"})
        else:
            registry([])(h)

    with servers.serve(route) as mlflow:
        result = scan_registry(root, mlflow.url)
    assert registry_notes(result) == [(
        mlflow.url,
        "the server repeated a next_page_token in the registered models listing after 2 "
        "pages; the listing was stopped there",
    )]
    assert mlflow.paths().count(SEARCH_MODELS) == 2
    assert SENTINEL in findings(result)


def test_endless_pages_are_cut(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        path, q = _query(h)
        if path == SEARCH_MODELS:
            n = int(q.get("page_token", "0"))
            servers.send_json(h, {"registered_models": [], "next_page_token": str(n + 1)})
        else:
            registry([])(h)

    with servers.serve(route) as mlflow:
        result = scan_registry(root, mlflow.url, limits={"mlflow_max_pages": 4})
    assert registry_notes(result) == [
        (mlflow.url, "the registered models listing was cut at 4 pages (limits.mlflow_max_pages)")
    ]
    assert mlflow.paths().count(SEARCH_MODELS) == 4


def test_huge_listing_is_cut_at_max_entries(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        path, q = _query(h)
        if path == SEARCH_MODELS:
            n = int(q.get("page_token", "0"))
            servers.send_json(h, {
                "registered_models": [{"name": f"m{n * 1000 + i:06d}"} for i in range(1000)],
                "next_page_token": str(n + 1),
            })
        else:
            servers.send_json(h, {"model_versions": []})

    with servers.serve(route) as mlflow:
        result = scan_registry(root, mlflow.url, limits={"mlflow_max_entries": 2500})
    assert registry_notes(result) == [(
        mlflow.url,
        "the registered models listing was cut at 2500 entries (limits.mlflow_max_entries)",
    )]
    assert mlflow.paths().count(SEARCH_MODELS) == 3
    assert result.facts_summary["mlflow_registry.models"] == 2500
    assert SENTINEL in findings(result)


def test_request_budget_per_scan(root: Path, token: str) -> None:
    with servers.serve(registry([f"m{i}" for i in range(50)])) as mlflow:
        result = scan_registry(root, mlflow.url, limits={"mlflow_max_requests": 7})
    assert len(mlflow.seen) == 7
    assert registry_notes(result) == [(
        mlflow.url,
        f"MLflow server {mlflow.url}: 7 requests sent in this scan "
        "(limits.mlflow_max_requests); the rest of the registry was not read",
    )]
    assert SENTINEL in findings(result)


def test_artifact_walk_breadth_is_bounded(root: Path, token: str) -> None:
    def files(sub: str) -> list[dict[str, Any]]:  # every directory holds 30 more
        return [{"path": f"{sub}/d{i}", "is_dir": True} for i in range(30)] + [
            {"path": f"{sub}/f.bin", "is_dir": False, "file_size": 1}]

    with servers.serve(registry(["wide"], files=files)) as mlflow:
        result = scan_registry(root, mlflow.url, limits={"mlflow_max_walk_dirs": 40})
    assert mlflow.paths().count(LIST_ARTIFACTS) == 40
    assert registry_notes(result) == [(
        "models:/wide/1",
        "artifact listing incomplete: more than 40 directories (limits.mlflow_max_walk_dirs)",
    )]


def test_artifact_walk_depth_is_bounded(root: Path, token: str) -> None:
    def files(sub: str) -> list[dict[str, Any]]:  # one directory inside another, forever
        return [{"path": f"{sub}/d", "is_dir": True}]

    with servers.serve(registry(["deep"], files=files)) as mlflow:
        result = scan_registry(root, mlflow.url)
    assert mlflow.paths().count(LIST_ARTIFACTS) == 9  # the model folder and 8 levels
    assert registry_notes(result) == [(
        "models:/deep/1",
        "artifact listing incomplete: directories deeper than 8 levels "
        "(limits.mlflow_max_walk_depth)",
    )]


def test_oversized_json_answer_is_refused(root: Path, token: str) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.stream_unsized(h, 40 * 1024 * 1024)

    with servers.serve(route) as mlflow, pytest.raises(MlscanError) as err:
        scan_registry(root, mlflow.url)
    assert str(err.value) == (
        f"MLflow server {mlflow.url} sent more than {32 * 1024 * 1024} bytes for {SEARCH_MODELS}"
    )


def test_a_config_in_the_tree_cannot_raise_server_limits(root: Path) -> None:
    from mlscan.scan import collect_facts

    (root / ".mlscan.yaml").write_text(
        "limits:\n  mlflow_request_deadline: 100000\n  policy_timeout: 100000\n"
        "  mlflow_max_pages: 2\n", encoding="utf-8")
    limits = collect_facts((str(root),)).config.limits
    assert (limits.mlflow_request_deadline, limits.policy_timeout, limits.mlflow_max_pages) == (
        60.0, 60.0, 2)
    given = collect_facts((str(root),), str(root / ".mlscan.yaml")).config.limits
    assert (given.mlflow_request_deadline, given.policy_timeout) == (100000.0, 100000.0)


# ---------------------------------------------------------------- OPA server

OPA_QUERY = "POST /v1/data/mlscan/controls"


def scan_opa(root: Path, url: str, limits: dict[str, Any] | None = None) -> ScanResult:
    config = None
    if limits:
        config = root.parent / "ci-config.yaml"
        config.write_text(json.dumps({"limits": limits}), encoding="utf-8")
    return run(ScanOptions(paths=(str(root),), config_path=str(config) if config else None,
                           opa_url=url, opa_use_server_policies=True))


def test_opa_huge_answer_is_a_clean_engine_error(root: Path) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.stream_unsized(h, 80 * 1024 * 1024)  # past the 64 MiB default

    with servers.serve(route) as opa, pytest.raises(MlscanError) as err:
        scan_opa(root, opa.url)
    assert str(err.value) == (
        f"OPA server {opa.url} sent more than {64 * 1024 * 1024} bytes for {OPA_QUERY} "
        "(limits.opa_max_response)"
    )


def test_opa_declared_size_is_checked_before_reading(root: Path) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(2 * 1024 * 1024))
        h.end_headers()
        h.wfile.write(b"{}")
        h.close_connection = True

    with servers.serve(route) as opa, pytest.raises(MlscanError) as err:
        scan_opa(root, opa.url, limits={"opa_max_response": 1024 * 1024})
    assert str(err.value) == (
        f"OPA server {opa.url} sent more than 1048576 bytes for {OPA_QUERY} "
        "(limits.opa_max_response)"
    )


@pytest.mark.parametrize("depth", [250, 100_000])
def test_opa_deeply_nested_answer_is_a_clean_engine_error(root: Path, depth: int) -> None:
    body = b'{"result": {"x": ' + b"[" * depth + b"]" * depth + b"}}"

    def route(h: BaseHTTPRequestHandler) -> None:
        servers.send_bytes(h, body)

    with servers.serve(route) as opa, pytest.raises(MlscanError) as err:
        scan_opa(root, opa.url)
    assert str(err.value) == (
        f"OPA server {opa.url} sent JSON nested deeper than 200 levels for {OPA_QUERY} "
        "(limits.max_nesting_depth)"
    )


def test_opa_slowloris_hits_the_deadline(root: Path) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.drip(h, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", every=0.5, limit=20)

    with servers.serve(route) as opa, pytest.raises(MlscanError) as err:
        scan_opa(root, opa.url, limits={"opa_request_deadline": 1.5})
    assert str(err.value) == (
        f"OPA server {opa.url} did not complete {OPA_QUERY} within 1.5s "
        "(limits.opa_request_deadline); a slow or stalling server"
    )


def test_opa_redirect_is_not_followed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCAN_OPA_TOKEN", TOKEN)
    with servers.serve(lambda h: servers.send_json(h, {"result": {}})) as other:
        def route(h: BaseHTTPRequestHandler) -> None:
            servers.redirect(h, other.url + h.path, status=307)

        with servers.serve(route) as opa, pytest.raises(MlscanError) as err:
            scan_opa(root, opa.url)
    assert str(err.value) == (
        f"OPA server {opa.url} answered HTTP 307 to {OPA_QUERY}: no error details"
    )
    assert [s.headers.get("authorization") for s in opa.seen] == [f"Bearer {TOKEN}"]
    assert other.seen == []


def test_the_whole_registry_walk_has_a_time_budget(root: Path, token: str) -> None:
    inner = registry([f"m{i}" for i in range(100)])

    def route(h: BaseHTTPRequestHandler) -> None:  # every answer is slow, none too slow
        time.sleep(0.2)
        inner(h)

    with servers.serve(route) as mlflow:
        result = scan_registry(root, mlflow.url, limits={"mlflow_scan_deadline": 1.5})
    assert registry_notes(result) == [(
        mlflow.url,
        f"MLflow server {mlflow.url}: the registry walk took longer than 1.5s "
        "(limits.mlflow_scan_deadline); the rest of the registry was not read",
    )]
    assert 2 <= len(mlflow.seen) <= 9
    assert SENTINEL in findings(result)


def test_nested_values_where_strings_belong_stay_out_of_the_facts(root: Path, token: str) -> None:
    from mlscan.scan import collect_facts

    deep: Any = "x"
    for _ in range(150):
        deep = {"d": [deep]}

    def route(h: BaseHTTPRequestHandler) -> None:
        path, _ = _query(h)
        if path == SEARCH_VERSIONS:
            servers.send_json(h, {"model_versions": [
                {"name": "m", "version": "1", "source": "runs:/r/model", "current_stage": deep,
                 "status": ["READY"], "run_id": 7}]})
        else:
            registry(["m"])(h)

    with servers.serve(route) as mlflow:
        fr = collect_facts((str(root),), options=CollectOptions(mlflow_uri=mlflow.url))
    (version,) = fr.facts["mlflow_registry"]["versions"]
    assert (version["stage"], version["status"], version["run_id"]) == (None, None, "7")


def test_an_opa_error_message_cannot_drive_the_terminal(root: Path) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        servers.send_json(h, {"code": "internal_error",
                              "message": "boom\x1b]0;owned\x07\x9b2J\u202e"}, status=500)

    with servers.serve(route) as opa:
        r = run_cli("scan", str(root), "--opa-url", opa.url, "--opa-use-server-policies",
                    timeout=120)
    assert r.code == 2
    assert r.err.strip() == (
        f"mlscan: error: OPA server {opa.url} answered HTTP 500 to POST "
        "/v1/data/mlscan/controls: internal_error: boom\\x1b]0;owned\\x07\\x9b2J\\u202e"
    )


def test_requests_go_through_the_environment_proxy(
    root: Path, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:  # a proxy that answers for the registry
        h.path = urllib.parse.urlsplit(h.path)._replace(scheme="", netloc="").geturl()
        registry(["credit"])(h)

    with servers.serve(route) as proxy:
        monkeypatch.setenv("http_proxy", proxy.url.replace("http://", "http://u:p%40ss@"))
        monkeypatch.delenv("no_proxy", raising=False)
        monkeypatch.delenv("NO_PROXY", raising=False)
        result = scan_registry(root, "http://mlflow.invalid:5000")
    first = proxy.seen[0]
    assert first.path.startswith(f"http://mlflow.invalid:5000{SEARCH_MODELS}?")
    assert first.headers["proxy-authorization"] == "Basic dTpwQHNz"  # u:p@ss
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert result.facts_summary["mlflow_registry.models"] == 1


def test_opa_push_mode_refuses_to_delete_a_flood_of_policies(root: Path) -> None:
    def route(h: BaseHTTPRequestHandler) -> None:
        if h.command == "GET" and h.path == "/v1/policies":
            servers.send_json(h, {"result": [{"id": f"mlscan/old/{i}.rego"}
                                             for i in range(5000)]})
        else:
            servers.send_json(h, {})

    with servers.serve(route) as opa, pytest.raises(MlscanError) as err:
        run(ScanOptions(paths=(str(root),), opa_url=opa.url))
    assert str(err.value) == (
        f"the OPA server {opa.url} lists 5000 mlscan policies of other policy sets (more than "
        "1000); clean it up or use a server per pipeline"
    )
    assert [(s.method, s.path) for s in opa.seen] == [("GET", "/v1/policies")]


def test_a_download_gets_time_for_its_listed_size(tmp_path: Path) -> None:
    from mlscan.collectors.mlflow.registry_download import DownloadBudget, download_version
    from mlscan.collectors.mlflow.rest import Credentials, MlflowRest, RestLimits

    body = b"w" * (2 * 1024 * 1024)

    def route(h: BaseHTTPRequestHandler) -> None:  # 2 MiB in about 1.6 s
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for i in range(4):
            time.sleep(0.4)
            h.wfile.write(body[i * len(body) // 4:(i + 1) * len(body) // 4])

    budget = DownloadBudget(per_file=10 * 1024 * 1024, total=100 * 1024 * 1024)
    with servers.serve(route) as mlflow:
        client = MlflowRest(mlflow.url, Credentials(), limits=RestLimits(deadline=1.0))
        (tmp_path / "a").mkdir()
        (tmp_path / "b").mkdir()
        listed = download_version(client, "m", "1", [{"path": "w.bin", "size": len(body)}],
                                  tmp_path / "a", budget)
        unlisted = download_version(client, "m", "1", [{"path": "w.bin", "size": None}],
                                    tmp_path / "b", budget)
    assert [(f.rel, f.size) for f in listed.files] == [("w.bin", len(body))]
    assert unlisted.files == ()
    assert unlisted.skipped == ({"path": "w.bin", "reason": (
        f"MLflow server {mlflow.url} did not complete /model-versions/get-artifact within 1s "
        "(limits.mlflow_request_deadline, --mlflow-deadline); a slow or stalling server")},)


@pytest.mark.parametrize(("uri", "base", "shown"), [
    ("http://[::1]:5000/", "http://[::1]:5000", "http://[::1]:5000/"),
    ("https://user:pw@mlflow.example/sub/", "https://mlflow.example/sub",
     "https://mlflow.example/sub/"),
])
def test_the_base_url_never_keeps_userinfo(uri: str, base: str, shown: str) -> None:
    from mlscan.collectors.mlflow.rest import Credentials, MlflowRest

    client = MlflowRest(uri, Credentials())
    assert (client.base, client.shown) == (base, shown)


def test_a_download_follows_a_same_origin_redirect_and_stores_only_the_file(
    tmp_path: Path,
) -> None:
    from mlscan.collectors.mlflow.registry_download import DownloadBudget, download_version
    from mlscan.collectors.mlflow.rest import Credentials, MlflowRest

    def route(h: BaseHTTPRequestHandler) -> None:
        if h.path.startswith(GET_ARTIFACT):
            h.send_response(302)
            h.send_header("Location", "/blobs/w.bin")
            body = b"<html>moved</html>"
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
        else:
            servers.send_bytes(h, b"real weights")

    with servers.serve(route) as mlflow:
        got = download_version(MlflowRest(mlflow.url, Credentials(token=TOKEN)), "m", "1",
                               [{"path": "w.bin", "size": 12}], tmp_path,
                               DownloadBudget(per_file=1000, total=1000))
    assert [(f.rel, f.size) for f in got.files] == [("w.bin", 12)]
    assert (tmp_path / "w.bin").read_bytes() == b"real weights"
    assert [s.headers.get("authorization") for s in mlflow.seen] == [f"Bearer {TOKEN}"] * 2
