"""Live registry scanning against real MLflow servers started on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests import pickle_corpus as pc
from tests.e2e.conftest import ADMIN_PASSWORD, MlflowServer
from tests.fixtures.signatures.helpers import key_pair, sign_with_key
from tests.helpers import run_cli

PICKLE_MLMODEL = """\
flavors:
  python_function:
    loader_module: mlflow.sklearn
    model_path: model.pkl
    env: {virtualenv: python_env.yaml}
  sklearn:
    pickled_model: model.pkl
    serialization_format: cloudpickle
    sklearn_version: 1.5.0
mlflow_version: 2.16.0
"""

ONNX_MLMODEL = """\
flavors:
  onnx:
    onnx_version: 1.16.0
    data: model.onnx
  python_function:
    loader_module: mlflow.onnx
    data: model.onnx
signature:
  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'
  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 1]}}]'
mlflow_version: 2.16.0
"""


SIGNED = "models:/credit-signed/1"
TAMPERED = "models:/credit-tampered/1"
MALICIOUS = "models:/churn-malicious/1"
PICKLED = "models:/sentiment-pickled/1"
UNSIGNED = "models:/fraud-unsigned/1"
FOREIGN = "models:/credit-foreign/1"
CORRUPT = "models:/credit-badsig/1"


@dataclass(frozen=True)
class Registered:
    servers: dict[str, MlflowServer]
    public_key: Path


def _client_env(server: MlflowServer) -> dict[str, str]:
    if server.auth:
        return {"MLFLOW_TRACKING_USERNAME": "admin", "MLFLOW_TRACKING_PASSWORD": ADMIN_PASSWORD}
    return {}


def _register(server: MlflowServer, tmp: Path, private_key: Path, foreign_key: Path) -> None:
    """Register models with the real mlflow client: a pickled sklearn flavor, an ONNX model
    signed with model-signing (``model.sig`` inside, as MLflow users log it), the same model
    tampered with after signing, signed by an untrusted key, and with a signature that is
    not a bundle, a pickle that calls os.system, and an unsigned model behind the
    'production' alias."""
    from mlflow import MlflowClient

    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")}
    os.environ.update(_client_env(server))
    try:
        client = MlflowClient(tracking_uri=server.url)
        exp = client.create_experiment(f"e2e-{tmp.name}")

        def log(name: str, files: dict[str, bytes], alias: str | None = None,
                sign: bool = False, after_signing: dict[str, bytes] | None = None,
                key: Path = private_key) -> None:
            d = tmp / name
            d.mkdir()
            for fname, data in files.items():
                (d / fname).write_bytes(data)
            if sign:
                sig = sign_with_key(d, tmp / f"{name}.sig", key)
                for fname, data in (after_signing or {}).items():
                    (d / fname).write_bytes(data)
                shutil.copyfile(sig, d / "model.sig")
            run = client.create_run(exp)
            client.log_artifacts(run.info.run_id, str(d), artifact_path="model")
            client.set_terminated(run.info.run_id)
            client.create_registered_model(name)
            mv = client.create_model_version(
                name, source=f"runs:/{run.info.run_id}/model", run_id=run.info.run_id
            )
            if alias:
                client.set_registered_model_alias(name, alias, mv.version)

        benign = pickle.dumps({"coef": [0.5, -1.25], "intercept": 0.1}, protocol=4)
        onnx = {"MLmodel": ONNX_MLMODEL.encode(), "model.onnx": b"\x08\x07onnx"}
        log("sentiment-pickled", {"MLmodel": PICKLE_MLMODEL.encode(), "model.pkl": benign})
        log("credit-signed", onnx, "champion", sign=True)
        log("credit-tampered", onnx, sign=True, after_signing={"model.onnx": b"\x08\x07evil"})
        log("credit-foreign", onnx, sign=True, key=foreign_key)
        log("credit-badsig", {**onnx, "model.sig": b"{}"})
        # os.system("id"), written opcode by opcode: nothing here is ever unpickled
        evil = pc.p2(pc.call_p2("os", "system", "id"))
        log("churn-malicious", {"MLmodel": PICKLE_MLMODEL.encode(), "model.pkl": evil})
        log("fraud-unsigned", {"MLmodel": ONNX_MLMODEL.encode(), "model.onnx": b"\x08\x07"},
            "production")
    finally:
        for k, val in saved.items():
            if val is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = val


@pytest.fixture(scope="module")
def registered(
    mlflow_servers: dict[str, MlflowServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Registered]:
    keys = tmp_path_factory.mktemp("signing-keys")
    private, public = key_pair(keys)
    foreign, _ = key_pair(keys, "foreign")
    for name, server in mlflow_servers.items():
        _register(server, tmp_path_factory.mktemp(f"models-{name}"), private, foreign)
    yield Registered(servers=mlflow_servers, public_key=public)


def _project(tmp: Path, public_key: Path) -> Path:
    """A scan root whose configuration trusts the test signing key."""
    root = tmp / "project"
    root.mkdir(exist_ok=True)
    shutil.copyfile(public_key, root / "signer.pub")
    (root / ".mlscan.yaml").write_text("signing:\n  trusted_keys: [signer.pub]\n")
    return root


def _scan(
    server: MlflowServer,
    tmp: Path,
    env: dict[str, str] | None = None,
    root: Path | None = None,
    *extra: str,
) -> tuple[int, Any, str]:
    if root is None:
        root = tmp / "empty"
        root.mkdir(exist_ok=True)
    res = run_cli(
        "scan",
        str(root),
        "--mlflow-uri",
        server.url,
        "--format",
        "json",
        *extra,
        env=env if env is not None else _client_env(server),
    )
    assert ADMIN_PASSWORD not in res.out + res.err
    return res.code, json.loads(res.out) if res.out.strip().startswith("{") else None, res.err


def _control_id(finding: Any) -> str:
    control = finding["control"]
    return str(control["id"] if isinstance(control, dict) else control)


def _by_control(doc: Any) -> list[tuple[str, str, str]]:
    return sorted(
        (
            _control_id(f),
            f.get("logical_location") or f["location"]["path"],
            f["severity"],
        )
        for f in doc["findings"]
    )


def _registry_findings(doc: Any) -> list[tuple[str, str, str]]:
    return [f for f in _by_control(doc) if f[1].startswith("models:/")]


METADATA_FINDINGS = [
    ("MLS-MLF-007", MALICIOUS, "medium"),
    ("MLS-MLF-007", UNSIGNED, "high"),
    ("MLS-MLF-007", PICKLED, "medium"),
    ("MLS-MOD-004", MALICIOUS, "medium"),
    ("MLS-MOD-004", PICKLED, "medium"),
    ("MLS-MOD-005", MALICIOUS, "medium"),
    ("MLS-MOD-005", PICKLED, "medium"),
    ("MLS-SIG-003", CORRUPT, "high"),  # decoded without downloading: not a bundle
]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["open", "auth"])
def test_live_registry_scan(registered: Registered, which: str, tmp_path: Path) -> None:
    """Metadata only: MLmodel and signatures are fetched, weights are not (no MOD-001/002),
    and the signed version is not flagged."""
    server = registered.servers[which]
    code, doc, err = _scan(server, tmp_path)
    assert code == 1, err
    assert _registry_findings(doc) == METADATA_FINDINGS
    text = run_cli("scan", str(tmp_path / "empty"), "--mlflow-uri", server.url,
                   env=_client_env(server))
    assert ("MLS-MOD-004  models:/sentiment-pickled/1: flavor 'sklearn' loads the model with "
            "cloudpickle") in text.out
    if which == "open":
        sarif = run_cli("scan", str(tmp_path / "empty"), "--mlflow-uri", server.url,
                        "--format", "sarif")
        results = json.loads(sarif.out)["runs"][0]["results"]
        assert sorted(
            (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
            for r in results
            if r["ruleId"] == "MLS-MOD-004"
        ) == [("MLS-MOD-004", MALICIOUS), ("MLS-MOD-004", PICKLED)]


@pytest.mark.slow
@pytest.mark.parametrize("which", ["open", "auth"])
def test_live_registry_download_artifacts(
    registered: Registered, which: str, tmp_path: Path
) -> None:
    """--mlflow-download-artifacts: weights analysed, signatures verified against the
    project's trusted key; the tampered copy and the malicious pickle are flagged."""
    root = _project(tmp_path, registered.public_key)
    code, doc, err = _scan(
        registered.servers[which], tmp_path, None, root, "--mlflow-download-artifacts"
    )
    assert code == 1, err
    assert _registry_findings(doc) == sorted([
        *METADATA_FINDINGS,
        ("MLS-MOD-001", MALICIOUS, "medium"),
        ("MLS-MOD-001", PICKLED, "medium"),
        ("MLS-MOD-002", MALICIOUS, "critical"),
        ("MLS-SIG-002", TAMPERED, "critical"),
        ("MLS-SIG-003", FOREIGN, "high"),
    ])
    by_id = {(_control_id(f), f["logical_location"]): f for f in doc["findings"]}
    assert by_id[("MLS-MOD-002", MALICIOUS)]["message"] == (
        "models:/churn-malicious/1/model.pkl imports os.system; loading this pickle model runs "
        "that code"
    )
    assert by_id[("MLS-SIG-002", TAMPERED)]["message"] == (
        "Model version models:/credit-tampered/1 differs from its signed manifest "
        "models:/credit-tampered/1/model.sig (changed: models:/credit-tampered/1/model.onnx)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("which", ["open", "auth"])
def test_registry_download_facts(
    registered: Registered, which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlscan.collectors.base import CollectOptions
    from mlscan.scan import collect_facts

    server = registered.servers[which]
    for key, value in _client_env(server).items():
        monkeypatch.setenv(key, value)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    root = _project(tmp_path, registered.public_key)
    fr = collect_facts(
        (str(root),), options=CollectOptions(mlflow_uri=server.url, mlflow_download_artifacts=True)
    )
    assert list(scratch.iterdir()) == []  # the download folder is gone
    facts = fr.facts["mlflow_registry"]
    assert ADMIN_PASSWORD not in json.dumps(facts)
    assert facts["server"]["auth"] == ("basic" if server.auth else "none")
    versions = {v["logical_location"]: v for v in facts["versions"]}
    signed = versions[SIGNED]
    assert signed["verification"]["status"] == "verified", signed["verification"]
    assert signed["verification"]["trusted_by"] == "signer.pub"
    assert signed["signature"]["signer"]["kind"] == "public_key"
    assert signed["signed_files"] == ["MLmodel", "model.onnx"]
    assert signed["manifest_diff"]["changed"] == []
    assert signed["download"]["files"] == 3 and signed["download"]["skipped"] == []
    tampered = versions[TAMPERED]["verification"]
    assert (tampered["status"], tampered["reason"]) == ("failed", "contents-differ")
    malicious = versions[MALICIOUS]["model_files"]
    assert [
        (f["path"], [(g["module"], g["name"], g["picklescan"]) for g in f["globals"]])
        for f in malicious
    ] == [("model.pkl", [("os", "system", "dangerous")])]
    foreign = versions[FOREIGN]["verification"]
    assert (foreign["status"], foreign["reason"]) == ("failed", "untrusted-key")
    assert versions[UNSIGNED]["verification"]["reason"] == "unsigned"


@pytest.mark.slow
def test_facts_from_the_live_registry(registered: Registered, tmp_path: Path) -> None:
    empty = tmp_path / "e"
    empty.mkdir()
    from mlscan.collectors.base import CollectOptions
    from mlscan.scan import collect_facts

    fr = collect_facts(
        (str(empty),), options=CollectOptions(mlflow_uri=registered.servers["open"].url)
    )
    assert fr.facts["mlflow_registry"]["download_artifacts"] is False
    versions = {v["logical_location"]: v for v in fr.facts["mlflow_registry"]["versions"]}
    pickled = versions[PICKLED]
    assert [(f["name"], f["deserialization"]) for f in pickled["mlmodel"]["flavors"]] == [
        ("python_function", None), ("sklearn", "cloudpickle")
    ]
    assert pickled["mlmodel"]["path"] == "models:/sentiment-pickled/1/MLmodel"
    assert [f["path"] for f in pickled["files"]] == ["MLmodel", "model.pkl"]
    assert pickled["model_files"] == [] and pickled["downloaded"] is False
    signed = versions[SIGNED]
    assert signed["signature_files"] == ["model.sig"]
    assert signed["signature"]["signer"]["kind"] == "public_key"
    assert signed["signed_files"] == ["MLmodel", "model.onnx"]
    assert (signed["verification"]["status"], signed["verification"]["reason"]) == (
        "not_attempted", "not-downloaded"
    )
    assert versions[UNSIGNED]["aliases"] == ["production"]
    corrupt = versions[CORRUPT]
    assert corrupt["signature"]["error"]["reason"] == "bundle-malformed"
    assert (corrupt["verification"]["status"], corrupt["verification"]["reason"]) == (
        "failed", "bundle-corrupt"
    )


@pytest.mark.slow
def test_auth_server_rejects_missing_and_wrong_credentials(
    registered: Registered, tmp_path: Path
) -> None:
    auth = registered.servers["auth"]
    code, _, err = _scan(auth, tmp_path, env={"MLFLOW_TRACKING_USERNAME": ""})
    assert code == 2
    assert "401 Unauthorized" in err and "MLFLOW_TRACKING_USERNAME" in err
    code, _, err = _scan(
        auth,
        tmp_path,
        env={"MLFLOW_TRACKING_USERNAME": "admin", "MLFLOW_TRACKING_PASSWORD": "wrong"},
    )
    assert code == 2
    assert "401" in err
    assert "wrong" not in err


def test_unreachable_server_exits_2_quickly(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (tmp_path / "e").mkdir()
    res = run_cli(
        "scan",
        str(tmp_path / "e"),
        "--mlflow-uri",
        f"http://127.0.0.1:{port}",
        "--mlflow-timeout",
        "2",
    )
    assert res.code == 2
    assert "unreachable" in res.err
    assert "Traceback" not in res.err


def test_download_flag_needs_a_registry(tmp_path: Path) -> None:
    res = run_cli("scan", str(tmp_path), "--mlflow-download-artifacts")
    assert res.code == 2
    assert "--mlflow-download-artifacts needs --mlflow-uri URL" in res.err
