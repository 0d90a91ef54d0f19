"""`mlscan policy test|list|bundle|docs` and custom policy folders, through the real CLI."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from mlscan.controls import load_policy_set
from tests.helpers import REPO, run_cli

POLICIES = "tests/fixtures/policies"
MLFLOW = "tests/fixtures/mlflow"


def test_policy_test_builtin_strict_passes() -> None:
    r = run_cli("policy", "test", "--strict")
    assert r.code == 0, r.out + r.err
    controls = load_policy_set().controls
    for c in controls:
        assert f"PASS data.{c.package}.test_" in r.out
    assert "FAIL" not in r.out
    assert (
        r.out.rstrip().splitlines()[-1].endswith(f"{len(controls)} controls, 0 convention problems")
        or not controls
    )


def test_policy_test_user_folder_pass_lines_and_coverage() -> None:
    r = run_cli("policy", "test", "--no-builtin", f"{POLICIES}/good")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[:5] == [
        "PASS data.mlscan.controls.acme.model_registry.test_fires_on_http",
        "PASS data.mlscan.controls.acme.model_registry.test_silent_on_https",
        "PASS data.mlscan.controls.acme.oneline.test_fires_when_bad",
        "PASS data.mlscan.controls.acme.oneline.test_silent_when_good",
        "PASS data.mlscan.controls.acme.oneline.test_other",
    ]
    assert (
        f"   87.5%  {POLICIES}/good/acme/model_registry.rego  (7/8 lines); not covered: 24" in lines
    )
    assert lines[-1] == "5 tests, 5 passed, 0 failed; 2 controls, 0 convention problems"


def test_policy_test_failure_exits_1_and_convention_is_strict_only() -> None:
    r = run_cli("policy", "test", "--no-builtin", f"{POLICIES}/failing")
    assert r.code == 1
    test_file = f"{POLICIES}/failing/acme/weak_tests_test.rego"
    assert (
        "FAIL data.mlscan.controls.acme.weak_tests.test_fires_twice  "
        f"({test_file}:17: undefined (an assertion in the body is false))"
    ) in r.out.splitlines()
    # convention problems are warnings without --strict
    assert "warning: CONVENTION ACME-WEAK-001" in r.err
    r = run_cli("policy", "test", "--no-builtin", "--run", "unsafe$", f"{POLICIES}/failing")
    assert r.code == 0, r.out + r.err
    assert r.out.splitlines()[0] == "PASS data.mlscan.controls.acme.weak_tests.test_fires_on_unsafe"


def test_policy_test_strict_fails_on_convention(tmp_path: Path) -> None:
    src = REPO / POLICIES / "failing" / "acme"
    (tmp_path / "weak_tests.rego").write_text((src / "weak_tests.rego").read_text())
    tests = (src / "weak_tests_test.rego").read_text()
    (tmp_path / "weak_tests_test.rego").write_text(tests.split("# fails")[0])
    assert run_cli("policy", "test", "--no-builtin", str(tmp_path)).code == 0
    r = run_cli("policy", "test", "--no-builtin", "--strict", str(tmp_path))
    assert r.code == 1
    assert (
        f"CONVENTION ACME-WEAK-001 ({tmp_path.as_posix()}/weak_tests.rego): no passing test"
        in r.out
    )


def test_policy_test_json() -> None:
    r = run_cli("policy", "test", "--no-builtin", "--format", "json", f"{POLICIES}/good")
    assert r.code == 0
    doc = json.loads(r.out)
    assert doc["summary"] == {
        "tests": 5,
        "passed": 5,
        "failed": 0,
        "controls": 2,
        "convention_problems": 0,
    }
    assert doc["tests"][0] == {
        "rule": "data.mlscan.controls.acme.model_registry.test_fires_on_http",
        "file": f"{POLICIES}/good/acme/model_registry_test.rego",
        "line": 7,
        "passed": True,
        "error": None,
        "fired": True,
    }


def test_policy_test_load_errors_exit_2_with_file_and_line() -> None:
    cases = {
        "syntax_error": (
            f"mlscan: error: policy {POLICIES}/syntax_error/acme/broken.rego:11: Rego error: "
            "`if` keyword is required before rule body"
        ),
        "bad_metadata": (
            f"mlscan: error: policy {POLICIES}/bad_metadata/acme/bad_severity.rego:1: METADATA "
            "custom.severity must be one of critical, high, medium, low (got 'urgent')"
        ),
        "duplicate_id": (
            f"mlscan: error: policy {POLICIES}/duplicate_id/acme/second.rego:4: control id "
            f"ACME-DUP-001 is already used by {POLICIES}/duplicate_id/acme/first.rego"
        ),
    }
    for folder, message in cases.items():
        r = run_cli("policy", "test", "--no-builtin", f"{POLICIES}/{folder}")
        assert r.code == 2, folder
        assert r.err.strip() == message
        assert r.out == ""
    r = run_cli("policy", "test", f"{POLICIES}/missing")
    assert r.code == 2
    assert "policy folder not found" in r.err


def test_scan_with_broken_custom_policies_exits_2_naming_file_and_line() -> None:
    expected = {
        "syntax_error": f"policy {POLICIES}/syntax_error/acme/broken.rego:11: Rego error",
        "bad_metadata": f"policy {POLICIES}/bad_metadata/acme/bad_severity.rego:1: METADATA "
        "custom.severity must be one of",
        "duplicate_id": f"policy {POLICIES}/duplicate_id/acme/second.rego:4: control id "
        "ACME-DUP-001 is already used by",
    }
    for folder, message in expected.items():
        r = run_cli("scan", f"{MLFLOW}/hardened", "--policy", f"{POLICIES}/{folder}")
        assert r.code == 2, folder
        assert r.err.startswith(f"mlscan: error: {message}"), r.err
        assert len(r.err.strip().splitlines()) == 1
        assert "Traceback" not in r.err


def test_scan_custom_policy_from_config_with_duplicate_builtin_id(tmp_path: Path) -> None:
    controls = load_policy_set().controls
    if not controls:
        return  # no built-in control to collide with yet
    taken = controls[0]
    policies = tmp_path / "policies"
    policies.mkdir()
    src = (REPO / POLICIES / "scan" / "acme" / "default_admin_name.rego").read_text()
    (policies / "dup.rego").write_text(src.replace("ACME-MLF-001", taken.id))
    (tmp_path / ".mlscan.yaml").write_text("policies: [policies]\n")
    r = run_cli("scan", str(tmp_path))
    assert r.code == 2
    shown = (policies / "dup.rego").as_posix()
    assert r.err.strip() == (
        f"mlscan: error: policy {shown}:5: control id {taken.id} is already used by {taken.source}"
    )


def test_policy_list_shows_stride_severity_and_source() -> None:
    r = run_cli("policy", "list", "--policy", f"{POLICIES}/good", "--format", "json")
    assert r.code == 0
    rows = {row["id"]: row for row in json.loads(r.out)}
    assert rows["ACME-REG-001"] == {
        "id": "ACME-REG-001",
        "title": "Model registry reachable over plaintext HTTP",
        "severity": "high",
        "stride": ["tampering", "information-disclosure"],
        "linddun": [],
        "atlas": [],
        "owasp_ml": [],
        "cwe": [319],
        "source": f"{POLICIES}/good/acme/model_registry.rego",
        "builtin": False,
    }
    for c in load_policy_set().controls:
        assert rows[c.id]["source"] == c.source
        assert rows[c.id]["builtin"] is True
    text = run_cli("policy", "list", "--policy", f"{POLICIES}/good")
    line = next(ln for ln in text.out.splitlines() if ln.startswith("ACME-REG-001"))
    assert "high" in line
    assert "tampering,information-disclosure" in line
    assert line.endswith(f"[{POLICIES}/good/acme/model_registry.rego]")


def test_policy_bundle_cli(tmp_path: Path) -> None:
    out = tmp_path / "out" / "bundle.tar.gz"
    r = run_cli(
        "policy", "bundle", "--output", str(out), "--policy", f"{POLICIES}/good", "--revision", "r1"
    )
    assert r.code == 0, r.err
    assert r.out == ""
    assert r.err.startswith(f"wrote {out}: revision r1, roots mlscan, ")
    with tarfile.open(fileobj=io.BytesIO(out.read_bytes()), mode="r:gz") as tar:
        names = tar.getnames()
        manifest = tar.extractfile(".manifest")
        assert manifest is not None
        assert json.loads(manifest.read())["revision"] == "r1"
    assert "policies/good/acme/model_registry.rego" in names
    first = out.read_bytes()
    assert (
        run_cli(
            "policy", "bundle", "-o", str(out), "--policy", f"{POLICIES}/good", "--revision", "r1"
        ).code
        == 0
    )
    assert out.read_bytes() == first
    for folder, where in (
        ("syntax_error", "broken.rego:11: Rego error"),
        ("bad_metadata", "bad_severity.rego:1: METADATA"),
    ):
        r = run_cli("policy", "bundle", "-o", str(out), "--policy", f"{POLICIES}/{folder}")
        assert r.code == 2
        assert where in r.err
        assert out.read_bytes() == first  # nothing written


def test_policy_docs_check_detects_stale_file(tmp_path: Path) -> None:
    assert run_cli("policy", "docs", "--output", "docs/controls.md", "--check").code == 0
    stale = tmp_path / "controls.md"
    stale.write_text((REPO / "docs" / "controls.md").read_text() + "\nedited by hand\n")
    r = run_cli("policy", "docs", "--output", str(stale), "--check")
    assert r.code == 1
    assert "is stale" in r.err
