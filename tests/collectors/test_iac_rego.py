"""Run the Rego unit tests (``*_test.rego``) of the bucket, iac and serving controls."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regorus

REGO = Path(__file__).resolve().parents[2] / "rego"
TESTS = sorted(
    p for family in ("bucket", "iac", "serving")
    for p in (REGO / "controls" / family).glob("*_test.rego")
)
_TEST_RULE = re.compile(r"^(test_\w+)\s+if\b", re.MULTILINE)


def _cases() -> list[tuple[Path, str]]:
    return [(p, name) for p in TESTS for name in _TEST_RULE.findall(p.read_text("utf-8"))]


def test_every_control_has_tests() -> None:
    controls = sorted(
        p for family in ("bucket", "iac", "serving")
        for p in (REGO / "controls" / family).glob("*.rego") if not p.name.endswith("_test.rego")
    )
    assert len(controls) == 15
    for control in controls:
        assert control.with_name(control.stem + "_test.rego") in TESTS


@pytest.mark.parametrize(("test_file", "rule"), _cases(),
                         ids=[f"{p.stem}.{n}" for p, n in _cases()])
def test_rego_unit(test_file: Path, rule: str) -> None:
    engine = regorus.Engine()
    for lib in sorted((REGO / "lib").glob("*.rego")):
        engine.add_policy_from_file(str(lib))
    engine.add_policy_from_file(str(test_file.with_name(test_file.name.replace("_test", ""))))
    package = engine.add_policy_from_file(str(test_file))
    assert engine.eval_rule_as_json(f"{package}.{rule}") == "true"
