"""The link stage: runs after every collector, on the facts only, and is extensible."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlscan.collectors.link import LINKERS, Linker, run_links


def test_registered_linkers_run_in_order() -> None:
    assert [lk.name for lk in LINKERS][:2] == ["assets", "privacy"]


def test_a_linker_reads_earlier_links_and_adds_a_family() -> None:
    def secrets_to_assets(facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        names = [b["name"] for b in facts["assets"]["buckets"]]
        return {"secrets": {"unlocks": [{"bucket": n} for n in names]}}

    facts: dict[str, Any] = {
        "dvc": {"remotes": [{"name": "prod", "url": "s3://acme-data/dvc", "config": ".dvc/config",
                             "url_loc": {"path": ".dvc/config", "line": 3},
                             "loc": {"path": ".dvc/config", "line": 2}}]},
    }
    notes = run_links(facts, (*LINKERS, Linker(name="secrets", run=secrets_to_assets)))
    assert notes == []
    assert facts["secrets"] == {"unlocks": [{"bucket": "acme-data"}]}
    assert facts["dvc"]["remotes"][0]["name"] == "prod"  # collected facts are kept


def test_a_failing_linker_is_a_notification() -> None:
    def broken(facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        raise KeyError("x")

    facts: dict[str, Any] = {"iac": {"buckets": []}}
    notes = run_links(facts, (Linker(name="broken", run=broken),))
    assert [(n.source, n.level) for n in notes] == [("link:broken", "error")]
    assert facts == {"iac": {"buckets": []}}


def test_checkov_runs_once_per_scan_and_nothing_is_cached_between_scans(
    monkeypatch: Any,
) -> None:
    """One IaC collector emits iac, bucket_policies and serving; no module-global cache."""
    from pathlib import Path

    import mlscan.collectors.iac.collector as iac
    from mlscan.scan import collect_facts

    calls: list[int] = []
    real = iac.run_checkov

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(iac, "run_checkov", counted)
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "iac" / "modules" / "cfn_stack"
    first = collect_facts((str(fixture),))
    assert len(calls) == 1
    assert {"iac", "bucket_policies", "serving", "assets"} <= set(first.facts)
    collect_facts((str(fixture),))
    assert len(calls) == 2
    assert not hasattr(iac, "_CACHE")
