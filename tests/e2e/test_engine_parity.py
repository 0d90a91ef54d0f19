"""Differential test: every example's fact document evaluated by the embedded engine
(regorus) and by real OPA (the Go implementation, tests/opa_real.py) gives the same deny
set for every control package. (tests/e2e/test_opa_server.py checks the REST protocol
against a regorus-backed double; this one checks the Rego semantics.)"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from mlscan.controls import load_policy_set
from mlscan.engine.embedded import EmbeddedEngine, deny_query
from mlscan.scan import collect_facts
from tests.helpers import EXAMPLES, REPO
from tests.opa_real import RealOpa, opa_module

MLFLOW = REPO / "tests" / "fixtures" / "mlflow"
CUSTOM = REPO / "tests" / "fixtures" / "policies" / "scan"


def _roots() -> list[Path]:
    roots = sorted(p for p in EXAMPLES.glob("*/*/") if p.is_dir())
    return [*roots, MLFLOW / "insecure", MLFLOW / "hardened"]


@pytest.fixture(scope="module")
def engines() -> Iterator[tuple[EmbeddedEngine, RealOpa, str]]:
    module = opa_module()
    if module is None:
        if os.environ.get("MLSCAN_REQUIRE_OPA"):
            pytest.fail("real OPA is required (MLSCAN_REQUIRE_OPA) but opa_bindings is missing")
        pytest.skip("real OPA not unpacked here (see tests/opa_real.py; .ci/run provides it)")
    policies = load_policy_set([CUSTOM])
    embedded = EmbeddedEngine(policies)
    opa = RealOpa(module, policies)
    try:
        yield embedded, opa, deny_query(c.package for c in policies.controls)
    finally:
        opa.close()


def _canonical(denies: Mapping[str, Any]) -> dict[str, list[str]]:
    """Per package, the sorted JSON of each deny object (sets have no order)."""
    out: dict[str, list[str]] = {}
    for package, items in denies.items():
        values = items if isinstance(items, list) else [items]
        if values:
            out[package] = sorted(json.dumps(v, sort_keys=True) for v in values)
    return dict(sorted(out.items()))


@pytest.mark.parametrize("root", _roots(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_embedded_and_real_opa_agree(
    root: Path, engines: tuple[EmbeddedEngine, RealOpa, str]
) -> None:
    embedded, opa, query = engines
    facts = collect_facts((str(root),), policy_dirs=(str(CUSTOM),)).facts
    ours = _canonical(embedded.evaluate(facts))
    rows = opa.query(query, facts)
    assert len(rows) == 1
    theirs = _canonical(rows[0]["x"])
    assert theirs == ours
    if "insecure" in root.parts:
        assert ours, f"{root}: no violations at all; the comparison would be vacuous"


def test_real_opa_sees_the_user_checkov_map(engines: tuple[EmbeddedEngine, RealOpa, str]) -> None:
    """Policy data read before the controls run (the checkov checks to run) is the same
    on both engines."""
    embedded, opa, _ = engines
    ours = embedded.data("mlscan.lib.checkov_map.run_checks")
    rows = opa.query("x := data.mlscan.lib.checkov_map.run_checks", {})
    assert rows[0]["x"] == ours
    assert "CKV_AWS_21" in ours
