"""Fixtures for end-to-end tests that need real servers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ADMIN_PASSWORD = "t3st-Admin-pw-0001"


@dataclass(frozen=True)
class MlflowServer:
    url: str
    auth: bool
    workdir: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(workdir: Path, auth: bool) -> tuple[subprocess.Popen[bytes], str]:
    workdir.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    mlflow = shutil.which("mlflow", path=str(Path(sys.executable).parent)) or "mlflow"
    cmd = [
        mlflow,
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        f"sqlite:///{workdir / 'mlflow.db'}",
        "--default-artifact-root",
        str(workdir / "artifacts"),
    ]
    env = {**os.environ, "MLFLOW_TRACKING_URI": "", "PYTHONDONTWRITEBYTECODE": "1"}
    if auth:
        ini = workdir / "basic_auth.ini"
        ini.write_text(
            "[mlflow]\ndefault_permission = NO_PERMISSIONS\n"
            f"database_uri = sqlite:///{workdir / 'auth.db'}\n"
            f"admin_username = admin\nadmin_password = {ADMIN_PASSWORD}\n"
            "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        )
        env["MLFLOW_AUTH_CONFIG_PATH"] = str(ini)
        env["MLFLOW_FLASK_SERVER_SECRET_KEY"] = "test-secret-key-not-for-production"
        cmd += ["--app-name", "basic-auth"]
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _wait(proc: subprocess.Popen[bytes], url: str, workdir: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((workdir / "server.log").read_text()[-3000:])
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"mlflow server did not start in {timeout}s")


@pytest.fixture(scope="session")
def mlflow_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, MlflowServer]]:
    """Two real MLflow servers on 127.0.0.1, started in parallel: one open, one with the
    basic-auth app."""
    base = tmp_path_factory.mktemp("mlflow")
    started = {name: _start(base / name, name == "auth") for name in ("open", "auth")}
    try:
        for name, (proc, url) in started.items():
            _wait(proc, url, base / name)
        yield {
            name: MlflowServer(url=url, auth=name == "auth", workdir=base / name)
            for name, (_, url) in started.items()
        }
    finally:
        for proc, _ in started.values():
            proc.terminate()
        for proc, _ in started.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
