"""The CLI in a subprocess, as users run it: version, policy list, facts, config errors,
and that heavy libraries stay unimported when their files are absent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mlscan import __version__

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("checkov", "dvc", "sigstore", "model_signing")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MLSCAN_DEBUG"}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_COLOR"] = "1"
    return env


def _mlscan(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlscan", *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _heavy_modules_after(args: list[str], cwd: Path = REPO) -> tuple[int, list[str], str]:
    """Run mlscan.cli.main.main(args) in a fresh interpreter; return (exit code, heavy modules
    imported, stdout)."""
    script = (
        "import io, json, sys, contextlib\n"
        "from mlscan.cli.main import main\n"
        "out = io.StringIO()\n"
        "code = 0\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        f"        main({args!r})\n"
        "    except SystemExit as exc:\n"
        "        code = exc.code if isinstance(exc.code, int) else 0\n"
        f"heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)\n"
        "print(json.dumps({'code': code, 'heavy': heavy, 'out': out.getvalue()}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    return int(data["code"]), list(data["heavy"]), str(data["out"])


def test_version() -> None:
    proc = _mlscan("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"mlscan {__version__}"
    assert proc.stderr == ""


def test_policy_list_text() -> None:
    proc = _mlscan("policy", "list")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines, "the built-in catalogue is empty"
    ids = [line.split()[0] for line in lines]
    assert ids == sorted(ids)
    assert all(i.startswith("MLS-") for i in ids)
    assert all("[rego/controls/" in line for line in lines)


def test_policy_list_json_matches_the_catalogue() -> None:
    from mlscan.controls import load_policy_set

    proc = _mlscan("policy", "list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    expected = load_policy_set().controls
    assert [r["id"] for r in rows] == [c.id for c in expected]
    first, control = rows[0], expected[0]
    assert first == {
        "id": control.id,
        "title": control.title,
        "severity": control.severity,
        "stride": list(control.stride),
        "linddun": list(control.linddun),
        "atlas": list(control.atlas),
        "owasp_ml": list(control.owasp_ml),
        "cwe": list(control.cwe),
        "source": control.source,
        "builtin": True,
    }


def test_policy_list_imports_no_heavy_library() -> None:
    for fmt in ("text", "json"):
        code, heavy, out = _heavy_modules_after(["policy", "list", "--format", fmt])
        assert code == 0
        assert heavy == []
        assert "MLS-" in out


def test_facts_on_a_plain_tree_imports_no_heavy_library(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text("print('hi')\n", encoding="utf-8")
    code, heavy, out = _heavy_modules_after(["facts", str(tmp_path)])
    assert code == 0
    assert heavy == []
    assert json.loads(out)["schema_version"] == "1"


def test_facts_prints_the_fact_document(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    proc = _mlscan("facts", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == "1"
    assert doc["workspace"]["file_count"] == 1
    assert doc["workspace"]["files_by_suffix"] == {".yaml": 1}
    assert doc["notifications"] == []
    # machine-clean: nothing but the document on stdout, nothing on stderr
    assert proc.stderr == ""


def test_bad_config_exits_2_with_one_line_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("fail_on: high\ncolour: red\n", encoding="utf-8")
    proc = _mlscan("scan", "--config", str(bad), str(tmp_path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"mlscan: error: {bad}: colour: unknown key; expected one of: ")
    assert "Traceback" not in proc.stderr


def test_bad_config_with_debug_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("colour: red\n", encoding="utf-8")
    for args in (
        ("--debug", "scan", "--config", str(bad), str(tmp_path)),
        ("scan", "--debug", "--config", str(bad), str(tmp_path)),
    ):
        proc = _mlscan(*args)
        assert proc.returncode == 2
        assert "Traceback (most recent call last)" in proc.stderr
        assert "mlscan.errors.ConfigError" in proc.stderr
        assert proc.stderr.strip().splitlines()[-1].startswith(f"mlscan: error: {bad}: colour:")


def test_facts_with_bad_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".mlscan.yaml").write_text("limits: {max_files: -1}\n", encoding="utf-8")
    proc = _mlscan("facts", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"mlscan: error: {tmp_path / '.mlscan.yaml'}: limits.max_files: "
        "expected a positive whole number, got -1"
    )


def test_missing_scan_path_exits_2(tmp_path: Path) -> None:
    proc = _mlscan("facts", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


PKL_POLICY = """\
# METADATA
# title: Pickle files in the tree
# custom:
#   id: MLS-TST-201
#   severity: high
#   stride: [tampering]
package mlscan.controls.tst.pickles

import rego.v1

deny contains v if {
	input.workspace.files_by_suffix[".xyz"] > 0
	v := {"msg": "pickle files present", "loc": {"path": "blob.xyz"}, "asset": "tree"}
}
"""


def _tst_finding(stdout: str) -> dict[str, object]:
    (finding,) = [f for f in json.loads(stdout)["findings"] if f["control"] == "MLS-TST-201"]
    assert isinstance(finding, dict)
    return finding


def test_scan_exit_codes_follow_fail_on_and_suppressions(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    # a file no built-in control cares about, so only the test policy fires
    (proj / "blob.xyz").write_bytes(b"\x80\x04N.")
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "pickles.rego").write_text(PKL_POLICY, encoding="utf-8")
    base = ("scan", str(proj), "--policy", str(policies), "--format", "json")
    found = _mlscan(*base, "--fail-on", "high")
    assert found.returncode == 1, found.stderr
    finding = _tst_finding(found.stdout)
    assert finding["location"] == {
        "path": "blob.xyz",
        "start_line": None,
        "start_col": None,
        "end_line": None,
        "end_col": None,
    }
    assert finding["severity"] == "high" and finding["suppressed"] is False
    assert _mlscan(*base, "--fail-on", "critical").returncode == 0
    assert _mlscan(*base, "--fail-on", "never").returncode == 0
    (proj / ".mlscan.yaml").write_text(
        "ignore:\n  - {control: MLS-TST-201, path: blob.xyz, reason: fixture}\n",
        encoding="utf-8",
    )
    suppressed = _mlscan(*base, "--fail-on", "low")
    assert suppressed.returncode == 0, suppressed.stdout
    assert _tst_finding(suppressed.stdout)["suppressed"] is True


def test_profile_prints_every_phase_to_stderr_and_leaves_stdout_alone(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    (proj / "models").mkdir(parents=True)
    (proj / "models" / "m.pkl").write_bytes(b"\x80\x04K\x01.")
    plain = _mlscan("scan", str(proj), "--format", "json", "--fail-on", "never")
    timed = _mlscan("scan", str(proj), "--format", "json", "--fail-on", "never", "--profile")
    assert plain.returncode == timed.returncode == 0, timed.stderr
    assert timed.stdout == plain.stdout
    phases = [
        line.split()[1]
        for line in timed.stderr.splitlines()
        if line.startswith("profile: ")
    ]
    assert phases[0] == "discovery"
    assert "collector:workspace" in phases and "collector:artifacts" in phases
    assert phases[-3:] == ["engine", "findings", "reporter:json"]
    for line in timed.stderr.splitlines():
        if line.startswith("profile: "):
            assert line.rstrip().endswith(" ms") and float(line.split()[-2]) >= 0
