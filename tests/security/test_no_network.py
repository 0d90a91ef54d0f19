"""No network by default: every example is scanned in a subprocess whose socket layer
refuses (and records) any non-loopback connect or name lookup. Signature verification
runs offline, so the signed examples need no network either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security.support import ROOT, example_dirs

GUARD = """
import os, socket

_LOG = os.environ["MLSCAN_NET_LOG"]
_LOCAL = {"localhost", "127.0.0.1", "::1", "", None}


def _record(what):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(what + "\\n")
    raise OSError(101, "network disabled by the mlscan test guard: " + what)


def _host(address):
    return address[0] if isinstance(address, tuple) else None


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in _LOCAL:
        _record("connect " + repr(address))
    return _connect(self, address)


def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in _LOCAL:
        _record("connect_ex " + repr(address))
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in _LOCAL:
        _record("getaddrinfo " + repr(name))
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.getaddrinfo = getaddrinfo
socket.gethostbyname = lambda name: getaddrinfo(name, None) and _record("gethostbyname")
"""


def _guarded_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    guard = tmp_path / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT)]),
        "MLSCAN_NET_LOG": str(log),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        env.pop(proxy, None)
    return env, log


def test_guard_catches_a_connect(tmp_path: Path) -> None:
    env, log = _guarded_env(tmp_path)
    code = (
        "import socket\ntry:\n socket.create_connection(('192.0.2.1', 80), 1)\nexcept OSError: pass"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    assert "192.0.2.1" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize("example", example_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scan_is_offline(example: Path, tmp_path: Path) -> None:
    env, log = _guarded_env(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "mlscan", "scan", str(example), "--format", "sarif"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == ""
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["runs"][0]["tool"]["driver"]["name"] == "mlscan"
    assert doc["runs"][0]["invocations"][0]["executionSuccessful"] is True
