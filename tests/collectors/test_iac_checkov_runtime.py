"""How checkov runs: offline, in-process, only when IaC files exist, only mapped checks."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from mlscan.scan import ScanOptions, run

REPO = Path(__file__).resolve().parents[2]
FIX = REPO / "tests" / "fixtures" / "iac" / "project"

# Records every socket connect / DNS lookup that is not loopback, and refuses it.
GUARD = textwrap.dedent(
    """
    import json, socket, sys
    attempts = []
    LOOPBACK = {"127.0.0.1", "::1", "localhost"}
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _getaddrinfo = socket.getaddrinfo

    def _allowed(sock, address):
        if sock.family == getattr(socket, "AF_UNIX", None):
            return True
        host = address[0] if isinstance(address, tuple) else str(address)
        return host in LOOPBACK

    def connect(self, address):
        if not _allowed(self, address):
            attempts.append(repr(address))
            raise OSError("network disabled by test guard")
        return _connect(self, address)

    def connect_ex(self, address):
        if not _allowed(self, address):
            attempts.append(repr(address))
            return 111
        return _connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            attempts.append("dns:" + str(host))
            raise socket.gaierror("network disabled by test guard")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.getaddrinfo = getaddrinfo
    """
)


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", GUARD + textwrap.dedent(code)],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(cwd)},
    )


def test_checkov_runs_offline_and_in_process(tmp_path: Path) -> None:
    proc = _python(
        f"""
        import multiprocessing, threading
        from mlscan.scan import collect_facts
        fr = collect_facts(({str(FIX)!r},))
        print(json.dumps({{
            "attempts": attempts,
            "results": len(fr.facts["iac"]["checkov_results"]),
            "frameworks": fr.facts["iac"]["checkov"]["frameworks"],
            "children": len(multiprocessing.active_children()),
            "checkov": "checkov" in sys.modules,
        }}))
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["attempts"] == []
    assert out["children"] == 0
    assert out["checkov"] is True
    assert out["frameworks"] == ["cloudformation", "kubernetes", "terraform"]
    assert out["results"] > 20


def test_checkov_is_not_imported_without_iac_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# notes\n")
    (tmp_path / "params.yaml").write_text("lr: 0.1\n")
    proc = _python(
        f"""
        from mlscan.scan import collect_facts
        fr = collect_facts(({str(tmp_path)!r},))
        print(json.dumps({{"checkov": "checkov" in sys.modules,
                           "results": fr.facts.get("iac", {{}}).get("checkov_results")}}))
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"checkov": False, "results": []}


BUCKET_TF = """\
resource "aws_s3_bucket" "features" {
  bucket = "acme-feature-store"
}
"""


def test_only_mapped_checks_run_by_default(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET_TF)
    result = run(ScanOptions(paths=(str(tmp_path),)))
    assert not any(f.control.id == "MLS-IAC-004" for f in result.findings)
    assert ("MLS-BKT-004", "main.tf", 1, "medium") in [
        (f.control.id, f.location.path, f.location.start_line, f.severity)
        for f in result.findings
    ]


def test_include_all_checkov_reports_other_checks_at_low(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(BUCKET_TF)
    (tmp_path / ".mlscan.yaml").write_text("iac:\n  include_all_checkov: true\n")
    result = run(ScanOptions(paths=(str(tmp_path),)))
    other = {
        f.evidence["checkov"][0]: (f.severity, f.location.path, f.location.start_line)
        for f in result.findings
        if f.control.id == "MLS-IAC-004"
    }
    assert other["CKV_AWS_144"] == ("low", "main.tf", 1)
    assert other["CKV2_AWS_62"] == ("low", "main.tf", 1)
    # mapped checks keep their own control
    assert "CKV_AWS_21" not in other


def test_only_the_runners_of_present_frameworks_are_imported(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:latest\nCMD [\"python\", \"serve.py\"]\n")
    proc = _python(
        f"""
        from mlscan.scan import collect_facts
        fr = collect_facts(({str(tmp_path)!r},))
        print(json.dumps({{
            "modules": sorted(m for m in sys.modules if m.endswith(".runner")
                              and m.startswith("checkov.") and m.count(".") == 2),
            "results": [(r["check_id"], r["resource"], r["result"])
                        for r in fr.facts["iac"]["checkov_results"]],
        }}))
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "checkov.terraform.runner" not in out["modules"]
    assert "checkov.kubernetes.runner" not in out["modules"]
    assert "checkov.dockerfile.runner" in out["modules"]
    assert out["results"] == [["CKV_DOCKER_7", "Dockerfile.FROM", "failed"]]


def test_symlinks_out_of_the_root_are_not_scanned(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tf").write_text(
        'resource "aws_s3_bucket" "x" {\n  bucket = "elsewhere"\n}\n'
    )
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(BUCKET_TF)
    (root / "linked.tf").symlink_to(outside / "secret.tf")
    result = run(ScanOptions(paths=(str(root),)))
    assert {f.location.path for f in result.findings} == {"main.tf"}
    assert all("elsewhere" not in f.message for f in result.findings)
