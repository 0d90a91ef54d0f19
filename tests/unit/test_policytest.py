"""mlscan.policy.testing: running test_* rules, observing whether deny fired, coverage, and the
fires/silent convention, on small policy folders in tests/fixtures/policies/."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.errors import PolicyError
from mlscan.policy.testing import line_ranges, run_policy_tests

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "policies"


def _rel(name: str) -> str:
    return (FIXTURES / name).relative_to(Path.cwd()).as_posix()


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent.parent)


def test_good_policies_pass_with_observed_fires_and_silent() -> None:
    report = run_policy_tests([_rel("good")], include_builtin=False)
    base = _rel("good")
    assert [(t.rule, t.passed, t.fired, t.file, t.line) for t in report.tests] == [
        (
            "data.mlscan.controls.acme.model_registry.test_fires_on_http",
            True,
            True,
            f"{base}/acme/model_registry_test.rego",
            7,
        ),
        (
            "data.mlscan.controls.acme.model_registry.test_silent_on_https",
            True,
            False,
            f"{base}/acme/model_registry_test.rego",
            11,
        ),
        # one-line deny rule: head and body share a line, so firing is not observable
        (
            "data.mlscan.controls.acme.oneline.test_fires_when_bad",
            True,
            None,
            f"{base}/onelines/oneline_test.rego",
            5,
        ),
        (
            "data.mlscan.controls.acme.oneline.test_silent_when_good",
            True,
            None,
            f"{base}/onelines/oneline_test.rego",
            7,
        ),
        (
            "data.mlscan.controls.acme.oneline.test_other",
            True,
            None,
            f"{base}/onelines/oneline_test.rego",
            9,
        ),
    ]
    assert report.passed
    assert report.convention_ok
    checks = {c.control_id: (c.fires, c.silent) for c in report.controls}
    assert checks == {
        "ACME-REG-001": (("test_fires_on_http",), ("test_silent_on_https",)),
        # not observable: the names decide
        "ACME-ONE-001": (("test_fires_when_bad",), ("test_silent_when_good",)),
    }


def test_coverage_lists_exact_lines_of_non_test_files() -> None:
    report = run_policy_tests([_rel("good")], include_builtin=False)
    cov = {c.file: c for c in report.coverage}
    assert sorted(cov) == [
        f"{_rel('good')}/acme/model_registry.rego",
        f"{_rel('good')}/onelines/oneline.rego",
    ]
    registry = cov[f"{_rel('good')}/acme/model_registry.rego"]
    assert registry.covered == (14, 15, 16, 17, 18, 19, 20)
    assert registry.not_covered == (24,)  # insecure_scheme() is never called by a test
    assert round(registry.percent, 1) == 87.5
    assert cov[f"{_rel('good')}/onelines/oneline.rego"].covered == (11,)


def test_failing_test_and_convention_problems_are_reported() -> None:
    report = run_policy_tests([_rel("failing")], include_builtin=False)
    assert [(t.name, t.passed, t.fired) for t in report.tests] == [
        ("test_fires_on_unsafe", True, True),
        ("test_silent_but_fires", True, True),
        ("test_fires_twice", False, True),
    ]
    assert not report.passed
    assert [t.line for t in report.failed] == [17]
    (check,) = report.controls
    assert check.control_id == "ACME-WEAK-001"
    assert check.fires == ("test_fires_on_unsafe", "test_silent_but_fires")
    assert check.silent == ()
    test_file = f"{_rel('failing')}/acme/weak_tests_test.rego"
    assert check.problems == (
        f"test_silent_but_fires ({test_file}:12) is named test_silent* but deny produced a "
        "finding during it",
        "no passing test in which deny is evaluated and stays silent (name one test_silent_...)",
    )


def test_control_without_tests_is_a_convention_problem(tmp_path: Path) -> None:
    src = (FIXTURES / "scan" / "acme" / "default_admin_name.rego").read_text()
    (tmp_path / "c.rego").write_text(src)
    report = run_policy_tests([tmp_path], include_builtin=False)
    assert report.tests == ()
    assert report.passed
    (check,) = report.controls
    shown = (tmp_path / "c.rego").as_posix()
    assert check.problems == (
        f"no test_* rules for mlscan.controls.acme.default_admin_name; add {shown[:-5]}_test.rego",
    )


def test_run_pattern_selects_tests_and_skips_the_convention() -> None:
    report = run_policy_tests([_rel("good")], include_builtin=False, pattern=r"https$")
    assert [t.name for t in report.tests] == ["test_silent_on_https"]
    assert report.controls == ()


def test_runtime_error_fails_the_test(tmp_path: Path) -> None:
    (tmp_path / "p.rego").write_text(
        "package acme.helpers\n\nimport rego.v1\n\nx := 1\n\nx := 2\n\ntest_conflict if x == 1\n"
    )
    report = run_policy_tests([tmp_path], include_builtin=False)
    (t,) = report.tests
    assert (t.rule, t.passed, t.line) == ("data.acme.helpers.test_conflict", False, 9)
    assert t.error


def test_non_true_value_fails_and_test_functions_are_not_tests(tmp_path: Path) -> None:
    (tmp_path / "p_test.rego").write_text(
        "package acme.t\n\nimport rego.v1\n\ntest_value := 5\n\ntest_helper(x) := x + 1\n"
    )
    (t,) = run_policy_tests([tmp_path], include_builtin=False).tests
    assert not t.passed
    assert t.error == "evaluated to 5, not true"


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(PolicyError) as err:
        run_policy_tests([_rel("syntax_error")], include_builtin=False)
    assert err.value.path == f"{_rel('syntax_error')}/acme/broken.rego"
    assert err.value.line == 11
    assert "`if` keyword is required before rule body" in str(err.value)


def test_bad_metadata_and_duplicate_id_are_policy_errors() -> None:
    with pytest.raises(PolicyError) as err:
        run_policy_tests([_rel("bad_metadata")], include_builtin=False)
    assert err.value.path == f"{_rel('bad_metadata')}/acme/bad_severity.rego"
    assert "severity must be one of" in str(err.value)
    with pytest.raises(PolicyError) as err:
        run_policy_tests([_rel("duplicate_id")], include_builtin=False)
    assert err.value.path == f"{_rel('duplicate_id')}/acme/second.rego"
    assert err.value.line == 4
    assert "ACME-DUP-001 is already used by" in str(err.value)


def test_line_ranges() -> None:
    assert line_ranges([9, 3, 4, 5, 11, 12]) == "3-5, 9, 11-12"
    assert line_ranges([]) == ""
