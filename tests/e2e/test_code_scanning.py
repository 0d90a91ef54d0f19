"""SARIF from real scans of every example, held to GitHub code scanning's documented
requirements ("SARIF support for code scanning" and its upload limits):

* one SARIF 2.1.0 log, at most 20 runs, 25,000 rules and 25,000 results per run;
* every rule: ``id``, ``shortDescription``, ``fullDescription``, ``help`` (text and
  markdown; here with the remediation and references), at most 20 tags of which GitHub
  keeps the first 10 (``security`` and every ``stride:`` tag must be among them),
  ``security-severity`` a number in GitHub's band for the severity, ``precision`` one of
  very-high/high/medium/low;
* every result: ``ruleId`` and a matching ``ruleIndex``, ``message.text``, a ``level``,
  exactly one location with a physical location whose ``uri`` is relative to
  ``%SRCROOT%`` (the repository root; forward slashes, no scheme) and a ``region`` with
  ``startLine`` >= 1, ``partialFingerprints``, at most 1,000 related locations;
* ``automationDetails.id`` ending in ``/`` (a category), ``originalUriBaseIds.SRCROOT``
  an absolute ``file:`` URI ending in ``/``.

The examples live inside this repository, so result paths must resolve from the
repository root: every ``uri`` is checked to name a real file there.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any
from urllib.parse import unquote

import pytest

from mlscan.reporters import render
from mlscan.scan import ScanOptions, run
from tests.helpers import EXAMPLES, REPO, run_cli
from tests.reporters.sarif_schema import validate

EXAMPLE_ROOTS = sorted(
    p.relative_to(REPO).as_posix() for p in EXAMPLES.glob("*/*") if (p / "README.md").is_file()
)
BANDS = {
    "critical": (9.0, 10.0),
    "high": (7.0, 8.9),
    "medium": (4.0, 6.9),
    "low": (0.1, 3.9),
}
LEVELS = {"none", "note", "warning", "error"}


@cache
def _sarif(example: str) -> dict[str, Any]:
    result = run(ScanOptions(paths=(str(REPO / example),)))
    return dict(json.loads(render("sarif", result)))


def test_every_example_is_covered() -> None:
    assert len(EXAMPLE_ROOTS) >= 6
    assert {r.rsplit("/", 1)[1] for r in EXAMPLE_ROOTS} == {"insecure", "hardened"}


@pytest.mark.parametrize("example", EXAMPLE_ROOTS)
def test_rules_meet_github_requirements(example: str) -> None:
    log = _sarif(example)
    validate(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert 1 <= len(log["runs"]) <= 20
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert run_["tool"]["driver"]["name"] == "mlscan"
    assert 0 < len(rules) <= 25_000
    assert len({r["id"] for r in rules}) == len(rules)
    for rule in rules:
        assert rule["shortDescription"]["text"], rule["id"]
        assert rule["fullDescription"]["text"], rule["id"]
        assert rule["help"]["text"] and rule["help"]["markdown"], rule["id"]
        props = rule["properties"]
        tags = props["tags"]
        assert len(tags) <= 20 and len(set(tags)) == len(tags)
        kept = tags[:10]
        assert kept[0] == "security"
        stride = [t for t in tags if t.startswith("stride:")]
        linddun = [t for t in tags if t.startswith("linddun:")]
        # every control is threat-modelled: STRIDE, or LINDDUN for privacy-only controls
        # (purpose and consent, retention) that no STRIDE category describes
        assert stride or linddun, f"{rule['id']} has neither a STRIDE nor a LINDDUN tag"
        assert all(t in kept for t in stride), f"{rule['id']}: a STRIDE tag is past the 10th"
        assert all(t in kept for t in linddun), f"{rule['id']}: a LINDDUN tag is past the 10th"
        assert props["precision"] in {"very-high", "high", "medium", "low"}
        score = float(props["security-severity"])
        low, high = BANDS[props["severity"]]
        assert low <= score <= high, rule["id"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
        assert rule.get("helpUri", "https://").startswith("https://")


@pytest.mark.parametrize("example", EXAMPLE_ROOTS)
def test_results_meet_github_requirements_and_resolve_from_the_repository_root(
    example: str,
) -> None:
    (run_,) = _sarif(example)["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert re.fullmatch(r"mlscan/[^/]+/", run_["automationDetails"]["id"])
    base = run_["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base == REPO.resolve().as_uri() + "/"
    results = run_["results"]
    assert len(results) <= 25_000
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"].strip()
        assert r["level"] in LEVELS
        assert len(r["locations"]) == 1
        phys = r["locations"][0]["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        assert phys["artifactLocation"]["uriBaseId"] == "SRCROOT"
        assert ":" not in uri.split("/", 1)[0] and "\\" not in uri and not uri.startswith("/")
        assert phys["region"]["startLine"] >= 1
        if not r["locations"][0].get("logicalLocations"):
            assert uri.startswith(example + "/"), uri
            # A file, or a model directory (a directory artifact's finding points at it).
            assert (REPO / unquote(uri)).exists(), uri
        assert r["partialFingerprints"]["mlscan/v1"]
        assert len(r.get("relatedLocations", [])) <= 1_000
        for rel in r.get("relatedLocations", []):
            assert (REPO / unquote(rel["physicalLocation"]["artifactLocation"]["uri"])).exists()
        for sup in r.get("suppressions", []):
            assert sup["kind"] in {"inSource", "external"}
            assert sup["status"] == "accepted" and sup["justification"]
    notes = run_["invocations"][0].get("toolExecutionNotifications", [])
    for n in notes:
        assert n["message"]["text"] and n["level"] in LEVELS


def test_insecure_examples_have_results_and_hardened_ones_have_no_active_error() -> None:
    for example in EXAMPLE_ROOTS:
        (run_,) = _sarif(example)["runs"]
        active = [r for r in run_["results"] if not r.get("suppressions")]
        if example.endswith("/insecure") and example.startswith(
            ("examples/sentiment-api", "examples/registry-hardening")
        ):
            assert active, example
        if example.endswith("/hardened"):
            assert [r for r in active if r["level"] == "error"] == [], example


# ------------------------------------------------------------------------ self-scan
# The same scans as the self-scan jobs of .github/workflows/ci.yml.
@pytest.mark.parametrize("example", [e for e in EXAMPLE_ROOTS if e.endswith("/hardened")])
def test_self_scan_of_each_hardened_example_passes(example: str) -> None:
    res = run_cli("scan", example, "--fail-on", "medium")
    assert res.code == 0, res.out + res.err


def test_self_scan_of_this_repository_passes() -> None:
    res = run_cli("scan", ".", "--config", ".github/mlscan-self-scan.yaml", "--fail-on", "medium")
    assert res.code == 0, res.out + res.err
