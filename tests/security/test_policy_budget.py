"""The policy evaluation budget: Rego that a repository's ``.mlscan.yaml`` adds
(``policies:``) runs in a forked child with a deadline (``limits.policy_timeout``) and
an address-space cap (``limits.policy_memory``). Running out is a clear engine error that
names the policy folders, and the scanning process itself stays small."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from mlscan.controls import load_policy_set
from mlscan.engine import budget
from mlscan.engine.embedded import EmbeddedEngine
from mlscan.errors import EngineError
from mlscan.scan import ScanOptions, collect_facts, policy_budget, run
from tests.helpers import EXAMPLES, run_cli
from tests.security.support import plant_sentinel

HEADER = """# METADATA
# title: {title}
# description: A control written for the budget tests.
# custom:
#   id: {cid}
#   severity: low
#   stride: [denial-of-service]
#   remediation: Nothing to fix; this is a test.
package mlscan.controls.budget.{name}

import rego.v1

"""

SPIN = """deny contains v if {
	n := count({x | some a in numbers.range(1, 5000); some b in numbers.range(1, 5000); x := a * b})
	n < 0
	v := {"msg": "never", "loc": {"path": "x"}, "asset": "x"}
}
"""

HOG = """deny contains v if {
	big := [sprintf("%d-grows-and-grows", [x]) | some x in numbers.range(1, 80000000)]
	count(big) < 0
	v := {"msg": "never", "loc": {"path": "x"}, "asset": "x"}
}
"""


def project(tmp_path: Path, name: str, body: str, limits: str) -> Path:
    root = tmp_path / "project"
    plant_sentinel(root)
    pol = root / "policies" / "budget"
    pol.mkdir(parents=True)
    head = HEADER.format(title=f"Budget test {name}", cid=f"ACME-BUD-{len(name):03d}", name=name)
    (pol / f"{name}.rego").write_text(head + body, encoding="utf-8")
    (root / ".mlscan.yaml").write_text(f"policies: [policies]\nlimits:\n{limits}",
                                       encoding="utf-8")
    return root


def test_a_spinning_repository_policy_hits_the_time_budget(tmp_path: Path) -> None:
    root = project(tmp_path, "spin", SPIN, "  policy_timeout: 1\n")
    with pytest.raises(EngineError) as err:
        run(ScanOptions(paths=(str(root),)))
    assert str(err.value) == (
        "policy evaluation took longer than 1s (limits.policy_timeout) and was stopped; "
        f"policies: built-in, {root.as_posix()}/policies (policies: in {root / '.mlscan.yaml'})"
    )


def test_a_greedy_repository_policy_hits_the_memory_budget(tmp_path: Path) -> None:
    root = project(tmp_path, "hog", HOG, "  policy_memory: 268435456\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(EngineError) as err:
        run(ScanOptions(paths=(str(root),)))
    message = str(err.value)
    assert message.startswith(
        "policy evaluation ran out of its memory budget (limits.policy_memory = 268435456 bytes"
    )
    assert message.endswith(
        f"policies: built-in, {root.as_posix()}/policies (policies: in {root / '.mlscan.yaml'})"
    )
    # the child paid for it, not this process
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 256 * 1024


def test_the_cli_reports_the_budget_error_and_exits_2(tmp_path: Path) -> None:
    root = project(tmp_path, "spin", SPIN, "  policy_timeout: 1\n")
    r = run_cli("scan", str(root), timeout=120)
    assert r.code == 2
    assert r.err.strip().startswith(
        "mlscan: error: policy evaluation took longer than 1s (limits.policy_timeout)")
    assert "Traceback" not in r.err


def test_a_repository_config_cannot_raise_the_budget(tmp_path: Path) -> None:
    root = project(tmp_path, "spin", SPIN, "  policy_timeout: 100000\n  policy_memory: 1e20\n"
                   .replace("1e20", str(1 << 60)))
    fr = collect_facts((str(root),))
    b = policy_budget(fr.config.limits, (), fr.config, fr.root)
    assert (b.seconds, b.memory) == (60.0, 4 * 1024 * 1024 * 1024)


def test_bounded_evaluation_gives_the_same_answer() -> None:
    root = EXAMPLES / "credit-fraud-platform" / "insecure"
    fr = collect_facts((str(root),))
    ps = load_policy_set([])
    b = budget.Budget(seconds=60, memory=1 << 32, policies="built-in")
    free = EmbeddedEngine(ps).evaluate(fr.facts)
    bounded = EmbeddedEngine(ps, budget=b).evaluate(fr.facts)
    assert bounded == free
    assert sum(len(v) for v in bounded.values()) > 0


def test_a_rego_runtime_error_in_the_child_keeps_its_message(tmp_path: Path) -> None:
    body = """deny contains v if {
	x := to_number("not a number")
	v := {"msg": sprintf("%v", [x]), "loc": {"path": "x"}, "asset": "x"}
}
"""
    root = project(tmp_path, "bad", body, "  policy_timeout: 30\n")
    with pytest.raises(EngineError, match=r"^policy evaluation failed"):
        run(ScanOptions(paths=(str(root),)))
