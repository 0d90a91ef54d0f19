"""Scanning never executes model content.

Each payload below creates a marker file when it is unpickled. The control test proves
that the payloads are live (a subprocess unpickles a copy and the marker appears); the
other tests scan the same bytes through the collector, the scan API and the CLI, and the
marker must not exist afterwards.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mlscan.scan import ScanOptions, run
from tests import pickle_corpus as pc
from tests.collectors.test_artifacts import walker_view
from tests.helpers import run_cli


def payloads(marker: Path) -> dict[str, bytes]:
    """Model files whose loading would create ``marker``."""
    touch = f"touch {shlex.quote(str(marker))}"
    create = f"open({str(marker)!r}, 'w').close()"
    sys_calls = pc.os_system_payload(touch)
    return {
        "models/p0.pkl": sys_calls["p0"],
        "models/p2.pkl": sys_calls["p2"],
        "models/p4.pkl": sys_calls["p4"],
        "models/exec.pkl": pc.exec_payload(create),
        "models/checkpoint.pt": pc.torch_zip(pc.p2(pc.call_p2("os", "system", touch))),
        "models/legacy.pth": pc.torch_legacy(pc.p2(pc.call_p2("os", "system", touch))),
        "models/model.joblib": pc.joblib_like(pc.call_p2("os", "system", touch)),
    }


def make_project(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "canary" / "pwned"
    marker.parent.mkdir()
    project = tmp_path / "project"
    for rel, data in payloads(marker).items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return project, marker


UNPICKLE = (
    "import io, pickle, sys, zipfile\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "if data[:2] == b'PK':\n"
    "    data = zipfile.ZipFile(io.BytesIO(data)).read('archive/data.pkl')\n"
    "f = io.BytesIO(data)\n"
    "for _ in range(int(sys.argv[2])):\n"
    "    pickle.load(f)\n"
)


@pytest.mark.parametrize(("rel", "loads"), [
    ("models/p0.pkl", 1), ("models/p4.pkl", 1), ("models/exec.pkl", 1),
    ("models/checkpoint.pt", 1), ("models/legacy.pth", 4), ("models/model.joblib", 1),
])
def test_control_the_payloads_are_live(tmp_path: Path, rel: str, loads: int) -> None:
    """Unpickling (in a throw-away subprocess) does create the marker."""
    marker = tmp_path / "live" / "pwned"
    marker.parent.mkdir()
    sample = tmp_path / "sample"
    sample.write_bytes(payloads(marker)[rel])
    subprocess.run([sys.executable, "-c", UNPICKLE, str(sample), str(loads)],
                   capture_output=True, timeout=60, check=False)
    assert marker.exists()


def test_collector_and_scan_api_never_execute(tmp_path: Path) -> None:
    project, marker = make_project(tmp_path)
    result = run(ScanOptions(paths=(str(project),)))
    assert not marker.exists()
    critical = sorted((f.control.id, f.location.path) for f in result.findings
                      if f.control.id == "MLS-MOD-002")
    assert critical == [("MLS-MOD-002", p) for p in sorted(payloads(marker))]
    messages = {f.location.path: f.message for f in result.findings
                if f.control.id == "MLS-MOD-002"}
    assert "imports builtins.exec" in messages["models/exec.pkl"]
    assert "imports os.system" in messages["models/checkpoint.pt"]
    assert "imports posix.system" in messages["models/p2.pkl"]


def test_cli_facts_never_executes(tmp_path: Path) -> None:
    project, marker = make_project(tmp_path)
    res = run_cli("facts", str(project))
    assert res.code == 0, res.err
    assert not marker.exists()
    files = {f["path"]: walker_view(f) for f in json.loads(res.out)["artifacts"]["files"]}
    assert {p: f["verdict"] for p, f in files.items()} == {
        p: "dangerous" for p in payloads(marker)}
    assert files["models/model.joblib"]["dangerous_globals"] == ["os.system"]


def test_cli_scan_never_executes(tmp_path: Path) -> None:
    project, marker = make_project(tmp_path)
    res = run_cli("scan", str(project), "--format", "sarif")
    assert not marker.exists()
    assert res.code == 1, res.err
    results = json.loads(res.out)["runs"][0]["results"]
    critical = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                      for r in results if r["ruleId"] == "MLS-MOD-002")
    assert critical == sorted(payloads(marker))


def test_zip_member_is_never_extracted_to_disk(tmp_path: Path) -> None:
    project, _ = make_project(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    run(ScanOptions(paths=(str(project),)))
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert before == after
    with zipfile.ZipFile(project / "models/checkpoint.pt") as zf:
        assert "archive/data.pkl" in zf.namelist()
