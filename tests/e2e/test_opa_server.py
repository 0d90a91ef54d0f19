"""Remote evaluation on an OPA server (``--opa-url``), against tests/opa_double.py -- a
TEST DOUBLE of OPA's REST API backed by regorus (no OPA binary can be installed here).

Findings must be identical to the embedded engine's, in push mode and with the policies
already on the server (a bundle); every failure is exit 2 with one line. This checks the
REST protocol; the Rego semantics are compared with real OPA (the Go implementation) in
tests/e2e/test_engine_parity.py.
"""

from __future__ import annotations

import importlib
import json
import re
import shutil
import socket
from dataclasses import replace
from pathlib import Path

import pytest

from mlscan.controls import load_policy_set
from mlscan.engine.opa_server import OpaServerEngine, policy_ids
from mlscan.errors import EngineError, PolicyError
from mlscan.models import ScanResult
from mlscan.policy.bundle import build_bundle
from mlscan.scan import ScanOptions, run
from tests.helpers import EXAMPLES, REPO, run_cli
from tests.opa_double import OpaDouble

POLICIES = REPO / "tests" / "fixtures" / "policies"
CUSTOM = POLICIES / "scan"
MLFLOW = REPO / "tests" / "fixtures" / "mlflow"


def _roots() -> list[Path]:
    roots = sorted(p for p in EXAMPLES.glob("*/*/") if p.is_dir())
    return [*roots, MLFLOW / "insecure", MLFLOW / "hardened"]


def _scan(root: Path, policy_dirs: tuple[str, ...] = (), **kw: object) -> ScanResult:
    opa_url = kw.pop("opa_url", None)
    return run(
        ScanOptions(
            paths=(str(root),),
            policy_dirs=policy_dirs,
            opa_url=opa_url,  # type: ignore[arg-type]
            opa_use_server_policies=bool(kw.pop("server", False)),
        )
    )


def _comparable(result: ScanResult) -> ScanResult:
    return replace(result, timings={})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("root", _roots(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_push_mode_findings_identical_to_embedded(root: Path) -> None:
    for policy_dirs in ((), (str(CUSTOM),)):
        embedded = _scan(root, policy_dirs)
        with OpaDouble() as opa:
            remote = _scan(root, policy_dirs, opa_url=opa.url)
            methods = [(r.method, r.path.split("/")[2]) for r in opa.requests]
        assert _comparable(remote) == _comparable(embedded)
        assert ("PUT", "policies") in methods
        assert methods[-1] == ("POST", "data")
        assert methods.count(("POST", "data")) == 1


def _mixed_project(root: Path) -> Path:
    """A project touching several source families at once, built in tmp: the MLflow
    deployment fixture, a DVC config with a plaintext remote and a committed key, a
    pickle whose opcodes import os.system (bytes written, never loaded), a Terraform
    bucket. Families without a collector on this branch simply produce no facts."""
    shutil.copytree(MLFLOW / "insecure", root)
    (root / ".dvc").mkdir()
    (root / ".dvc" / "config").write_text(
        "[core]\n    remote = storage\n"
        "['remote \"storage\"']\n    url = http://dvc-mirror.internal/store\n"
        "    access_key_id = not-a-real-key\n"
    )
    (root / "models").mkdir()
    (root / "models" / "model.pkl").write_bytes(b"\x80\x04cos\nsystem\n(S'id'\ntR.")
    (root / "infra").mkdir()
    (root / "infra" / "bucket.tf").write_text(
        'resource "aws_s3_bucket" "models" {\n  bucket = "acme-models"\n}\n'
    )
    return root


def test_push_and_server_modes_identical_on_a_mixed_tmp_project(tmp_path: Path) -> None:
    root = _mixed_project(tmp_path / "project")
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(build_bundle([CUSTOM]).data)
    embedded = _scan(root, (str(CUSTOM),))
    assert embedded.findings  # not vacuous
    with OpaDouble() as opa:
        pushed = _scan(root, (str(CUSTOM),), opa_url=opa.url)
    with OpaDouble(bundle=bundle) as opa:
        served = _scan(root, (str(CUSTOM),), opa_url=opa.url, server=True)
    assert _comparable(pushed) == _comparable(embedded)
    assert _comparable(served) == _comparable(embedded)


def test_equivalence_fixture_really_has_findings() -> None:
    """The equivalence above is not vacuous: the insecure fixture yields built-in and
    custom findings, with exact lines."""
    result = _scan(MLFLOW / "insecure", (str(CUSTOM),))
    found = {(f.control.id, f.location.path, f.location.start_line) for f in result.findings}
    assert ("ACME-MLF-001", "basic_auth.ini", 1) in found
    if "MLS-MLF-002" in load_policy_set().by_id:
        assert ("MLS-MLF-002", "basic_auth.ini", 5) in found
    with OpaDouble() as opa:
        remote = _scan(MLFLOW / "insecure", (str(CUSTOM),), opa_url=opa.url)
    assert {
        (f.control.id, f.location.path, f.location.start_line) for f in remote.findings
    } == found


def test_server_policies_mode_uses_the_bundle_and_uploads_nothing(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(build_bundle([CUSTOM]).data)
    for root in _roots():
        embedded = _scan(root, (str(CUSTOM),))
        with OpaDouble(bundle=bundle) as opa:
            remote = _scan(root, (str(CUSTOM),), opa_url=opa.url, server=True)
            requests = [(r.method, r.path) for r in opa.requests]
        assert _comparable(remote) == _comparable(embedded), root
        assert requests == [
            ("POST", "/v1/data/mlscan/controls"),
            ("GET", "/v1/data/system/bundles"),  # the bundle's policy hash is checked
        ]


def test_server_policies_mode_rejects_a_different_control_set(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.tar.gz"
    bundle.write_bytes(build_bundle().data)  # without the custom folder
    with OpaDouble(bundle=bundle) as opa:
        r = run_cli(
            "scan",
            str(MLFLOW / "insecure"),
            "--policy",
            str(CUSTOM),
            "--opa-url",
            opa.url,
            "--opa-use-server-policies",
        )
    assert r.code == 2
    assert r.err.strip() == (
        f"mlscan: error: the OPA server {opa.url} holds a different control set (missing on "
        "the server: mlscan.controls.acme.default_admin_name); rebuild the bundle with "
        "`mlscan policy bundle` from this version and the same --policy folders"
    )
    with OpaDouble() as empty:
        r = run_cli(
            "scan", str(MLFLOW / "insecure"), "--opa-url", empty.url, "--opa-use-server-policies"
        )
    if load_policy_set().controls:
        assert r.code == 2
        assert "has no policies under data.mlscan.controls" in r.err


def test_push_replaces_policies_of_another_policy_set() -> None:
    with_custom = load_policy_set([CUSTOM])
    builtin = load_policy_set()
    with OpaDouble() as opa:
        _scan(MLFLOW / "insecure", (str(CUSTOM),), opa_url=opa.url)
        assert sorted(opa.policies) == sorted(policy_ids(with_custom))
        second = _scan(MLFLOW / "insecure", opa_url=opa.url)
        assert sorted(opa.policies) == sorted(policy_ids(builtin))
    assert "ACME-MLF-001" not in {f.control.id for f in second.findings}
    assert _comparable(second) == _comparable(_scan(MLFLOW / "insecure"))


def test_policy_ids_are_namespaced_by_policy_hash() -> None:
    ps = load_policy_set([CUSTOM])
    ids = policy_ids(ps)
    prefix = f"mlscan/{ps.policy_hash()}/"
    assert all(i.startswith(prefix) for i in ids)
    custom_shown = f"{CUSTOM.as_posix()}/acme/default_admin_name.rego"
    assert ids[f"{prefix}custom{custom_shown}"] == custom_shown
    assert not any(i.endswith("_test.rego") for i in ids)


def test_token_is_sent_as_bearer_header(monkeypatch: pytest.MonkeyPatch) -> None:
    with OpaDouble(token="t0k3n-for-tests") as opa:
        monkeypatch.setenv("MLSCAN_OPA_TOKEN", "t0k3n-for-tests")
        result = _scan(MLFLOW / "insecure", opa_url=opa.url)
        seen = {r.headers.get("authorization") for r in opa.requests}
    assert seen == {"Bearer t0k3n-for-tests"}
    assert _comparable(result) == _comparable(_scan(MLFLOW / "insecure"))


def test_wrong_or_missing_token_exits_2() -> None:
    with OpaDouble(token="right") as opa:
        missing = run_cli(
            "scan", str(MLFLOW / "hardened"), "--opa-url", opa.url, env={"MLSCAN_OPA_TOKEN": ""}
        )
        wrong = run_cli(
            "scan",
            str(MLFLOW / "hardened"),
            "--opa-url",
            opa.url,
            env={"MLSCAN_OPA_TOKEN": "wrong"},
        )
    for r in (missing, wrong):
        assert r.code == 2
        assert r.err.strip() == (
            f"mlscan: error: OPA server {opa.url} answered HTTP 401 to GET /v1/policies: "
            "unauthorized: authentication failed; check MLSCAN_OPA_TOKEN"
        )
        assert "right" not in r.err and "wrong" not in r.err


def test_unreachable_server_exits_2() -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    r = run_cli("scan", str(MLFLOW / "hardened"), "--opa-url", url)
    assert r.code == 2
    assert r.err.strip() == (
        f"mlscan: error: cannot reach the OPA server at {url} (GET /v1/policies); check "
        "--opa-url and that OPA is running"
    )
    r = run_cli("scan", str(MLFLOW / "hardened"), "--opa-url", url, "--opa-use-server-policies")
    assert r.code == 2
    assert "(POST /v1/data/mlscan/controls)" in r.err


def test_server_error_exits_2() -> None:
    with OpaDouble(fail_status=500) as opa:
        push = run_cli("scan", str(MLFLOW / "hardened"), "--opa-url", opa.url)
        query = run_cli(
            "scan", str(MLFLOW / "hardened"), "--opa-url", opa.url, "--opa-use-server-policies"
        )
    assert push.code == 2
    assert push.err.strip() == (
        f"mlscan: error: OPA server {opa.url} answered HTTP 500 to GET /v1/policies: "
        "internal_error: simulated server failure"
    )
    assert query.code == 2
    assert query.err.strip() == (
        f"mlscan: error: OPA server {opa.url} answered HTTP 500 to POST "
        "/v1/data/mlscan/controls: internal_error: simulated server failure"
    )


def test_slow_server_times_out_and_exits_2() -> None:
    with OpaDouble(delay=3.0) as opa:
        r = run_cli(
            "scan",
            str(MLFLOW / "hardened"),
            "--opa-url",
            opa.url,
            "--opa-use-server-policies",
            env={"MLSCAN_OPA_TIMEOUT": "0.5"},
        )
    assert r.code == 2
    assert r.err.strip() == (
        f"mlscan: error: OPA server {opa.url} did not answer POST /v1/data/mlscan/controls "
        "within 0.5s; check the server or raise MLSCAN_OPA_TIMEOUT"
    )


def test_slow_server_engine_timeout_in_push_mode() -> None:
    with OpaDouble(delay=2.0) as opa:
        engine = OpaServerEngine(load_policy_set(), opa.url, timeout=0.3)
        with pytest.raises(EngineError, match=r"did not answer GET /v1/policies within 0.3s"):
            engine.evaluate({})


def test_policy_rejected_by_the_server_names_file_and_line() -> None:
    folder = POLICIES / "syntax_error"
    with OpaDouble() as opa:
        engine = OpaServerEngine(load_policy_set([folder]), opa.url)
        with pytest.raises(PolicyError) as err:
            engine.evaluate({})
    shown = f"{folder.as_posix()}/acme/broken.rego"
    assert err.value.path == shown
    assert err.value.line == 11
    assert str(err.value) == (
        f"policy {shown}:11: rejected by the OPA server {opa.url}: rego_parse_error: "
        "`if` keyword is required before rule body"
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://opa:8181", "must look like http(s)://host[:port]"),
        ("http://opa:8181/v1/data", "give only scheme, host and port"),
        ("http://user:pw@opa:8181", "must not carry credentials"),
        ("ftp://user:pw@opa:8181", "must not carry credentials"),
        ("http://[::1", "is not a valid URL"),
        ("http://opa:99999", "invalid port"),
    ],
)
def test_bad_opa_url_is_an_engine_error(url: str, message: str) -> None:
    with pytest.raises(EngineError, match=re.escape(message)) as err:
        OpaServerEngine(load_policy_set(), url)
    assert "pw" not in str(err.value)


def test_bad_timeout_env_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLSCAN_OPA_TIMEOUT", "soon")
    with pytest.raises(EngineError, match="MLSCAN_OPA_TIMEOUT='soon' must be a positive number"):
        OpaServerEngine(load_policy_set(), "http://127.0.0.1:1")


def _has_reporters() -> bool:
    return callable(getattr(importlib.import_module("mlscan.reporters"), "render", None))


@pytest.mark.skipif(not _has_reporters(), reason="mlscan.reporters.render is not on this branch")
@pytest.mark.parametrize("root", _roots(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_cli_json_identical_with_opa_url(root: Path, tmp_path: Path) -> None:
    embedded = run_cli("scan", str(root), "--format", "json", "--policy", str(CUSTOM))
    with OpaDouble() as opa:
        remote = run_cli(
            "scan", str(root), "--format", "json", "--policy", str(CUSTOM), "--opa-url", opa.url
        )
    bundle = tmp_path / "b.tar.gz"
    bundle.write_bytes(build_bundle([CUSTOM]).data)
    with OpaDouble(bundle=bundle) as opa:
        server = run_cli(
            "scan",
            str(root),
            "--format",
            "json",
            "--policy",
            str(CUSTOM),
            "--opa-url",
            opa.url,
            "--opa-use-server-policies",
        )
    assert embedded.code in (0, 1), embedded.err
    assert (remote.code, remote.err) == (embedded.code, embedded.err)
    assert (server.code, server.err) == (embedded.code, embedded.err)
    docs = [json.loads(r.out) for r in (embedded, remote, server)]
    for doc in docs:
        if isinstance(doc, dict):
            doc.pop("timings", None)
            doc.pop("engine", None)
    assert docs[1] == docs[0]
    assert docs[2] == docs[0]


def test_double_type_checks_imports_and_push_uploads_helpers_first() -> None:
    import urllib.error
    import urllib.request

    control = CUSTOM / "acme" / "default_admin_name.rego"
    with OpaDouble() as opa:
        request = urllib.request.Request(
            f"{opa.url}/v1/policies/control-alone",
            data=control.read_bytes(),
            method="PUT",
            headers={"Content-Type": "text/plain"},
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=5)
        assert err.value.code == 400
        assert json.loads(err.value.read()) == {
            "code": "invalid_parameter",
            "message": "error(s) occurred while compiling module(s)",
            "errors": [
                {
                    "code": "rego_type_error",
                    "message": "undefined function data.acme.lib.names.default_account",
                    "location": {"file": "control-alone", "row": 17, "col": 1},
                }
            ],
        }
        _scan(MLFLOW / "insecure", (str(CUSTOM),), opa_url=opa.url)
        puts = [r.path for r in opa.requests if r.method == "PUT"]
    lib = next(i for i, p in enumerate(puts) if p.endswith("/zz_lib/names.rego"))
    ctl = next(i for i, p in enumerate(puts) if p.endswith("/acme/default_admin_name.rego"))
    assert lib < ctl


def test_server_policies_mode_rejects_a_bundle_built_from_other_rego(tmp_path: Path) -> None:
    """Same control packages, different Rego (an older bundle): refused, not silently
    different findings."""
    old = tmp_path / "scan"
    for src in CUSTOM.rglob("*.rego"):
        dst = old / src.relative_to(CUSTOM)
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(src.read_text().replace("keeps the default", "still has the default"))
    bundle = tmp_path / "old.tar.gz"
    bundle.write_bytes(build_bundle([old], revision="2026.01").data)
    local = load_policy_set([CUSTOM]).policy_hash()
    remote = load_policy_set([old]).policy_hash()
    assert local != remote
    with OpaDouble(bundle=bundle) as opa:
        r = run_cli(
            "scan",
            str(MLFLOW / "insecure"),
            "--policy",
            str(CUSTOM),
            "--opa-url",
            opa.url,
            "--opa-use-server-policies",
        )
    assert r.code == 2
    assert r.err.strip() == (
        f"mlscan: error: the OPA server {opa.url} runs bundle revision '2026.01' built from "
        f"other policies (policy hash {remote}; this mlscan: {local}); rebuild the bundle with "
        "`mlscan policy bundle` from this version and the same --policy folders"
    )
