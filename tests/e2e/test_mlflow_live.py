"""Live registry scanning against real MLflow servers started on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ADMIN_PASSWORD, MlflowServer
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


def _client_env(server: MlflowServer) -> dict[str, str]:
    if server.auth:
        return {"MLFLOW_TRACKING_USERNAME": "admin", "MLFLOW_TRACKING_PASSWORD": ADMIN_PASSWORD}
    return {}


def _register(server: MlflowServer, tmp: Path) -> None:
    """Register three models with the real mlflow client: a pickled sklearn flavor, a
    signed ONNX model, and an unsigned model behind the 'production' alias."""
    from mlflow import MlflowClient

    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")}
    os.environ.update(_client_env(server))
    try:
        client = MlflowClient(tracking_uri=server.url)
        exp = client.create_experiment(f"e2e-{tmp.name}")

        def log(name: str, files: dict[str, bytes], alias: str | None) -> None:
            d = tmp / name
            d.mkdir()
            for fname, data in files.items():
                (d / fname).write_bytes(data)
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
        log("sentiment-pickled", {"MLmodel": PICKLE_MLMODEL.encode(), "model.pkl": benign}, None)
        log(
            "credit-signed",
            {"MLmodel": ONNX_MLMODEL.encode(), "model.onnx": b"\x08\x07onnx", "model.sig": b"{}"},
            "champion",
        )
        log(
            "fraud-unsigned",
            {"MLmodel": ONNX_MLMODEL.encode(), "model.onnx": b"\x08\x07"},
            "production",
        )
    finally:
        for k, val in saved.items():
            if val is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = val


@pytest.fixture(scope="module")
def registered(
    mlflow_servers: dict[str, MlflowServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, MlflowServer]]:
    for name, server in mlflow_servers.items():
        _register(server, tmp_path_factory.mktemp(f"models-{name}"))
    yield mlflow_servers


def _scan(
    server: MlflowServer, tmp: Path, env: dict[str, str] | None = None
) -> tuple[int, Any, str]:
    empty = tmp / "empty"
    empty.mkdir(exist_ok=True)
    res = run_cli(
        "scan",
        str(empty),
        "--mlflow-uri",
        server.url,
        "--format",
        "json",
        env=env if env is not None else _client_env(server),
    )
    return res.code, json.loads(res.out) if res.out.strip().startswith("{") else None, res.err


def _by_control(doc: Any) -> list[tuple[str, str, str]]:
    return sorted(
        (
            f["control"]["id"] if isinstance(f["control"], dict) else f["control"],
            f.get("logical_location") or f["location"]["path"],
            f["severity"],
        )
        for f in doc["findings"]
    )


@pytest.mark.slow
@pytest.mark.parametrize("which", ["open", "auth"])
def test_live_registry_scan(
    registered: dict[str, MlflowServer], which: str, tmp_path: Path
) -> None:
    code, doc, err = _scan(registered[which], tmp_path)
    assert code == 1, err
    found = _by_control(doc)
    assert ("MLS-MLF-007", "models:/fraud-unsigned/1", "high") in found
    assert ("MLS-MLF-007", "models:/sentiment-pickled/1", "medium") in found
    assert not any(
        loc == "models:/credit-signed/1" and cid == "MLS-MLF-007" for cid, loc, _ in found
    )


@pytest.mark.slow
def test_facts_from_the_live_registry(registered: dict[str, MlflowServer], tmp_path: Path) -> None:
    empty = tmp_path / "e"
    empty.mkdir()
    from mlscan.scan import collect_facts

    fr = collect_facts((str(empty),), extra={"mlflow_uri": registered["open"].url})
    versions = {v["logical_location"]: v for v in fr.facts["mlflow_registry"]["versions"]}
    pickled = versions["models:/sentiment-pickled/1"]
    assert pickled["mlmodel"]["serialization_formats"] == ["cloudpickle"]
    assert pickled["mlmodel"]["pickled_model_files"] == ["model.pkl"]
    assert [f["path"] for f in pickled["files"]] == ["MLmodel", "model.pkl"]
    assert versions["models:/credit-signed/1"]["signature_files"] == ["model.sig"]
    assert versions["models:/fraud-unsigned/1"]["aliases"] == ["production"]


@pytest.mark.slow
def test_auth_server_rejects_missing_and_wrong_credentials(
    registered: dict[str, MlflowServer], tmp_path: Path
) -> None:
    code, _, err = _scan(registered["auth"], tmp_path, env={"MLFLOW_TRACKING_USERNAME": ""})
    assert code == 2
    assert "401 Unauthorized" in err and "MLFLOW_TRACKING_USERNAME" in err
    code, _, err = _scan(
        registered["auth"],
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
