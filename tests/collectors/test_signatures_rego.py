"""Run the ``test_*`` rules of the signature controls' Rego unit tests with the embedded
engine; each test file holds cases that fire and cases that stay silent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regorus

CONTROLS = Path(__file__).resolve().parents[2] / "rego" / "controls" / "signatures"
LIB = sorted(
    p for p in (CONTROLS.parents[1] / "lib").glob("*.rego") if not p.stem.endswith("_test")
)
TEST_FILES = sorted(CONTROLS.glob("*_test.rego"))


def _cases() -> list[tuple[Path, str]]:
    out = []
    for test_file in TEST_FILES:
        text = test_file.read_text(encoding="utf-8")
        out.extend((test_file, name) for name in re.findall(r"^(test_\w+)\s", text, re.M))
    return out


def test_every_control_has_tests() -> None:
    controls = sorted(p.stem for p in CONTROLS.glob("*.rego") if not p.stem.endswith("_test"))
    assert controls == ["manifest_mismatch", "manifest_not_compared", "signature_untrusted",
                        "unsigned_model", "weak_signing"]
    assert sorted(p.stem.removesuffix("_test") for p in TEST_FILES) == controls


@pytest.mark.parametrize(("test_file", "rule"), _cases(),
                         ids=lambda x: x.stem if isinstance(x, Path) else x)
def test_rego_unit(test_file: Path, rule: str) -> None:
    engine = regorus.Engine()
    for lib in LIB:
        engine.add_policy_from_file(str(lib))
    engine.add_policy_from_file(str(test_file.with_name(test_file.stem[:-5] + ".rego")))
    engine.add_policy_from_file(str(test_file))
    package = re.search(r"^package (\S+)", test_file.read_text(encoding="utf-8"), re.M)
    assert package is not None
    assert engine.eval_rule_as_json(f"data.{package.group(1)}.{rule}") == "true"
