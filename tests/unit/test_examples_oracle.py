"""Scan the example projects and hold the findings to the scenario READMEs' oracles.

For every control in the evaluated catalogue, the ``insecure/`` findings must be exactly
the README's primary oracle rows of that control (rows of the "also present" table are
allowed, not required), and the ``hardened/`` variant must have no finding at all. The
check grows by itself as controls land: a control the catalogue does not have yet is
not compared.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mlscan.scan import ScanOptions, run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCENARIOS = ("sentiment-api", "registry-hardening", "credit-fraud-platform")
ROW = re.compile(r"^\| (MLS-[A-Z]+-\d{3}) \| `([^`]+)` \| (\d+|-) \| `([^`]*)` \| (.+) \|$")

Key = tuple[str, str, int | None]


def _oracle(scenario: str, table: str) -> set[Key]:
    text = (EXAMPLES / scenario / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- oracle:{table} -->\n(.*?)<!-- /oracle -->", text, re.S)
    if match is None:
        return set()
    rows: set[Key] = set()
    for line in match.group(1).splitlines()[2:]:
        m = ROW.match(line)
        assert m, line
        rows.add((m.group(1), m.group(2), None if m.group(3) == "-" else int(m.group(3))))
    return rows


def _scan(variant: str) -> tuple[set[Key], set[str]]:
    result = run(ScanOptions(paths=(str(EXAMPLES / variant),)))
    found = {(f.control.id, f.location.path, f.location.start_line) for f in result.findings}
    return found, {c.id for c in result.controls}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_insecure_findings_match_the_oracle(scenario: str) -> None:
    found, controls = _scan(f"{scenario}/insecure")
    primary = {r for r in _oracle(scenario, "insecure") if r[0] in controls}
    secondary = {r for r in _oracle(scenario, "secondary") if r[0] in controls}

    def located(rows: set[Key]) -> set[Key]:
        # a "-" line in the oracle matches a finding on any line of that file
        return {r for r in rows if r[2] is not None}

    file_level = {(c, p) for c, p, line in primary | secondary if line is None}
    missing = {r for r in located(primary) if r not in found}
    missing |= {(c, p, None) for c, p, line in primary
                if line is None and not any(f[:2] == (c, p) for f in found)}
    extra = {f for f in found
             if f not in primary | secondary and (f[0], f[1]) not in file_level}
    assert (sorted(missing, key=str), sorted(extra, key=str)) == ([], [])


# Findings on hardened variants that are collector bugs, not problems of the examples.
# Delete an entry when the collector is fixed.
KNOWN_HARDENED_FALSE_POSITIVES: dict[str, set[Key]] = {}


# Review items a hardened variant accepts on purpose, each with an inline suppression
# and its reason (the control's remediation): they must stay suppressed, not disappear.
ACCEPTED_IN_HARDENED: dict[str, set[Key]] = {
    "credit-fraud-platform": {("MLS-PRV-005", "src/train_credit.py", 13)},
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_hardened_variant_has_no_finding(scenario: str) -> None:
    result = run(ScanOptions(paths=(str(EXAMPLES / scenario / "hardened"),)))
    in_force = {
        (f.control.id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.suppression is None or f.suppression.expired
    }
    suppressed = {
        (f.control.id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.suppression is not None and not f.suppression.expired
    }
    unexpected = in_force - KNOWN_HARDENED_FALSE_POSITIVES.get(scenario, set())
    assert sorted(unexpected, key=str) == []
    assert suppressed == ACCEPTED_IN_HARDENED.get(scenario, set())
