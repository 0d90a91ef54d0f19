"""BentoML bentofile.yaml: unpinned python.packages (or requirements_txt entries) are the
model's serving environment, reported by MLS-MOD-006 at the first unpinned entry
(fixtures: tests/fixtures/supply_chain/bento)."""

from __future__ import annotations

from pathlib import Path

from mlscan.scan import ScanOptions, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "supply_chain" / "bento"


def test_unpinned_bento_packages() -> None:
    result = run(ScanOptions(paths=(str(FIX),)))
    found = {
        (f.control.id, f.location.path, f.location.start_line, tuple(f.evidence["unpinned"]))
        for f in result.findings
        if f.control.id == "MLS-MOD-006"
    }
    assert found == {
        ("MLS-MOD-006", "ranker/bentofile.yaml", 8, ("lightgbm", "scikit-learn")),
        # the requirements file a bentofile names is its environment too
        ("MLS-MOD-006", "req/requirements.txt", 3, ("transformers",)),
        # pinned/: every package pinned (pip is installer tooling)
    }
