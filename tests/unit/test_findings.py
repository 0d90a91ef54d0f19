"""Violations to findings: fingerprints, disable, severity, suppressions, risk, order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mlscan.controls import PolicySet
from mlscan.errors import EngineError
from mlscan.findings import ShapingRules, fingerprint, shape, to_violations
from mlscan.models import Control, Finding, Location, Violation
from mlscan.suppressions import parse_suppressions

HIGH = Control(
    id="MLS-TST-001",
    title="High one",
    description="d",
    severity="high",
    stride=("tampering",),
    package="mlscan.controls.tst.high",
    source="rego/controls/tst/high.rego",
)
LOW = Control(
    id="MLS-TST-002",
    title="Low one",
    description="d",
    severity="low",
    stride=("spoofing",),
    package="mlscan.controls.tst.low",
    source="rego/controls/tst/low.rego",
)
POLICIES = PolicySet(files=(), controls=(HIGH, LOW))
TODAY = dt.date(2027, 1, 15)


def _v(
    control: Control = HIGH,
    path: str = "cfg/dvc.ini",
    line: int | None = 3,
    asset: str = "storage",
    key: str = "",
    message: str = "remote is open",
    severity: Any = None,
) -> Violation:
    return Violation(
        control_id=control.id,
        message=message,
        location=Location(
            path=path,
            start_line=line,
            start_col=1 if line else None,
            end_line=line,
            end_col=10 if line else None,
        ),
        asset=asset,
        key=key,
        severity=severity,
    )


def _shape(*violations: Violation, **rules: Any) -> tuple[Finding, ...]:
    rules.setdefault("today", TODAY)
    return shape(violations, POLICIES, ShapingRules(**rules))


# ---------------------------------------------------------------------- violations
def test_to_violations_reads_deny_objects() -> None:
    raw = {
        "mlscan.controls.tst.high": [
            {
                "msg": "m",
                "loc": {"path": "a.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 9},
                "asset": "bucket",
                "key": "acl",
                "evidence": {"acl": "public-read"},
                "related": [{"path": "b.tf", "line": 7}, {"no": "path"}],
                "severity": "critical",
                "logical_location": "aws_s3_bucket.models",
            }
        ],
        "mlscan.controls.tst.low": [
            {"msg": "n", "loc": {"path": "c.yaml"}, "evidence": "scalar", "severity": "urgent"}
        ],
        "mlscan.lib.helper": [{"msg": "ignored", "loc": {"path": "x"}}],
    }
    high, low = to_violations(raw, POLICIES)
    assert high == Violation(
        control_id="MLS-TST-001",
        message="m",
        location=Location(path="a.yaml", start_line=2, start_col=3, end_line=2, end_col=9),
        asset="bucket",
        key="acl",
        evidence={"acl": "public-read"},
        related=(Location(path="b.tf", start_line=7),),
        logical_location="aws_s3_bucket.models",
        severity="critical",
    )
    assert low.location == Location(path="c.yaml")
    assert low.evidence == {"value": "scalar"}
    assert low.severity is None  # not a severity: ignored


@pytest.mark.parametrize(
    "item",
    [
        {"loc": {"path": "a"}},
        {"msg": "m"},
        {"msg": "m", "loc": {"line": 3}},
        {"msg": 5, "loc": {"path": "a"}},
        {"msg": "m", "loc": "a.yaml"},
    ],
)
def test_malformed_deny_object_is_an_engine_error(item: dict[str, Any]) -> None:
    with pytest.raises(EngineError) as err:
        to_violations({"mlscan.controls.tst.high": [item]}, POLICIES)
    assert "MLS-TST-001" in str(err.value) and "rego/controls/tst/high.rego" in str(err.value)


# -------------------------------------------------------------------- fingerprints
def test_fingerprint_is_stable_when_lines_move() -> None:
    (a,) = _shape(_v(line=3))
    (b,) = _shape(_v(line=40))
    assert a.fingerprint == b.fingerprint
    assert a.fingerprint == fingerprint("MLS-TST-001", "cfg/dvc.ini", "storage", "")
    assert len(a.fingerprint) == 32


def test_fingerprint_differs_by_control_path_asset_and_key() -> None:
    base = fingerprint("MLS-TST-001", "p", "a", "k")
    others = {
        fingerprint("MLS-TST-002", "p", "a", "k"),
        fingerprint("MLS-TST-001", "q", "a", "k"),
        fingerprint("MLS-TST-001", "p", "b", "k"),
        fingerprint("MLS-TST-001", "p", "a", "j"),
        # the separator keeps fields apart: ("ab", "") is not ("a", "b")
        fingerprint("MLS-TST-001", "p", "ak", ""),
    }
    assert base not in others and len(others) == 5


def test_duplicates_collapse_and_distinct_messages_get_numbered_fingerprints() -> None:
    same = _v()
    findings = _shape(same, same, _v(line=9, message="second place"), _v(asset="other"))
    assert [(f.location.start_line, f.asset, f.fingerprint[-2:]) for f in findings] == [
        (3, "storage", findings[0].fingerprint[-2:]),
        (3, "other", findings[1].fingerprint[-2:]),
        (9, "storage", ":2"),
    ]
    fp = fingerprint("MLS-TST-001", "cfg/dvc.ini", "storage", "")
    assert findings[0].fingerprint == fp
    assert findings[2].fingerprint == fp + ":2"


# --------------------------------------------------------------- disable/severity
def test_disable_drops_the_control() -> None:
    findings = _shape(_v(HIGH), _v(LOW), disable=frozenset({"MLS-TST-001"}))
    assert [f.control.id for f in findings] == ["MLS-TST-002"]


def test_severity_precedence_config_then_violation_then_metadata() -> None:
    (meta,) = _shape(_v(HIGH))
    assert meta.severity == "high"
    (from_violation,) = _shape(_v(HIGH, severity="critical"))
    assert from_violation.severity == "critical"
    (from_config,) = _shape(_v(HIGH, severity="critical"), severity={"MLS-TST-001": "low"})
    assert from_config.severity == "low"
    (other,) = _shape(_v(LOW), severity={"MLS-TST-001": "critical"})
    assert other.severity == "low"


# ------------------------------------------------------------------- suppressions
TEXT = (
    "[core]\n"
    '    remote = storage  # mlscan:ignore[MLS-TST-001] reason="same line"\n'
    '# mlscan:ignore[MLS-TST-001, MLS-TST-002] reason="line above" expires=2027-01-15\n'
    "    url = s3://x\n"
    '# mlscan:ignore[MLS-TST-001] reason="too old" expires=2027-01-14\n'
    "    region = eu\n"
)


def _inline() -> dict[str, Any]:
    index, notes = parse_suppressions({"cfg/dvc.ini": TEXT})
    assert notes == []
    return dict(index)


def test_inline_suppression_same_line_and_line_above() -> None:
    inline = _inline()
    same, above, other_control, unrelated = (
        _shape(_v(line=2), inline=inline)[0],
        _shape(_v(line=4), inline=inline)[0],
        _shape(_v(LOW, line=4), inline=inline)[0],
        _shape(_v(line=1), inline=inline)[0],
    )
    assert same.suppressed and same.suppression is not None
    assert same.suppression.kind == "inSource"
    assert same.suppression.justification == "same line"
    assert same.suppression.location == Location(path="cfg/dvc.ini", start_line=2)
    assert above.suppressed and above.suppression is not None
    assert above.suppression.justification == "line above"
    assert above.suppression.expires == "2027-01-15"  # last day still suppresses
    assert other_control.suppressed
    assert not unrelated.suppressed and unrelated.suppression is None
    # another file with the same line numbers is not suppressed
    (elsewhere,) = _shape(_v(path="other.ini", line=2), inline=inline)
    assert elsewhere.suppression is None
    # a file-level finding has no line to match
    (file_level,) = _shape(_v(line=None), inline=inline)
    assert file_level.suppression is None


def test_expired_inline_suppression_does_not_suppress_and_says_so() -> None:
    (f,) = _shape(_v(line=6, message="region is set"), inline=_inline())
    assert f.suppression is not None and f.suppression.expired
    assert not f.suppressed
    # the reporters say "suppression expired on ..." once; the finding keeps the facts
    assert f.message == "region is set"
    assert f.suppression is not None and f.suppression.expired
    assert f.suppression.expires == "2027-01-14"
    (later,) = _shape(_v(line=4), inline=_inline(), today=dt.date(2027, 1, 16))
    assert not later.suppressed
    assert later.suppression is not None and later.suppression.expires == "2027-01-15"


def test_config_ignore_with_glob_paths() -> None:
    ignore = (
        {"control": "MLS-TST-001", "path": "cfg/*.ini", "reason": "vendor", "expires": None},
        {"control": "MLS-TST-002", "path": "exact.json", "reason": "legacy", "expires": None},
    )
    (glob,) = _shape(_v(), ignore=ignore)
    assert glob.suppressed and glob.suppression is not None
    assert glob.suppression.kind == "external"
    assert glob.suppression.justification == "vendor"
    assert glob.suppression.location is None
    (exact,) = _shape(_v(LOW, path="exact.json"), ignore=ignore)
    assert exact.suppressed
    (no_match,) = _shape(_v(path="src/dvc.ini"), ignore=ignore)
    assert not no_match.suppressed
    (wrong_control,) = _shape(_v(LOW), ignore=ignore)
    assert not wrong_control.suppressed


def test_config_ignore_leading_double_star_matches_top_level_files() -> None:
    ignore = ({"control": "MLS-TST-001", "path": "**/dvc.ini", "reason": "r", "expires": None},)
    (top,) = _shape(_v(path="dvc.ini"), ignore=ignore)
    (deep,) = _shape(_v(path="a/b/dvc.ini"), ignore=ignore)
    assert top.suppressed and deep.suppressed


def test_expired_config_ignore() -> None:
    ignore = (
        {"control": "MLS-TST-001", "path": "cfg/dvc.ini", "reason": "r", "expires": "2027-01-01"},
    )
    (f,) = _shape(_v(), ignore=ignore)
    assert f.suppression is not None and f.suppression.expired and not f.suppressed
    assert f.suppression is not None and f.suppression.expired
    assert f.suppression.expires == "2027-01-01"
    (f2,) = _shape(_v(), ignore=ignore, today=dt.date(2026, 12, 31))
    assert f2.suppressed and f2.message == "remote is open"


def test_a_valid_suppression_wins_over_an_expired_one() -> None:
    ignore = ({"control": "MLS-TST-001", "path": "cfg/*", "reason": "renewed", "expires": None},)
    (f,) = _shape(_v(line=6), inline=_inline(), ignore=ignore)
    assert f.suppressed and f.suppression is not None
    assert f.suppression.kind == "external" and f.suppression.justification == "renewed"
    assert "expired" not in f.message


# -------------------------------------------------------------------------- risk
ASSETS = (
    {"name": "credit", "match": ("models/credit*", "k8s"), "impact": "critical"},
    {"name": "by-asset", "match": ("storage",), "impact": "low"},
)


def test_risk_is_likelihood_times_impact() -> None:
    (default,) = _shape(_v(HIGH, path="x.ini", asset="a"))
    assert default.risk is not None
    assert (default.risk.likelihood, default.risk.impact, default.risk.score) == (3, "medium", 6)
    assert default.risk.asset_group == ""
    (credit,) = _shape(_v(HIGH, path="models/credit-v2.onnx", asset="a"), assets=ASSETS)
    assert credit.risk is not None
    assert (credit.risk.impact, credit.risk.impact_score, credit.risk.score) == ("critical", 4, 12)
    assert credit.risk.asset_group == "credit"
    (folder,) = _shape(_v(LOW, path="k8s/deploy.yaml", asset="a"), assets=ASSETS)
    assert folder.risk is not None and (folder.risk.score, folder.risk.asset_group) == (4, "credit")
    (by_asset,) = _shape(_v(HIGH, path="x.ini", asset="storage"), assets=ASSETS)
    assert by_asset.risk is not None
    assert (by_asset.risk.impact, by_asset.risk.score) == ("low", 3)
    (overridden,) = _shape(
        _v(HIGH, path="models/credit.pkl"), assets=ASSETS, severity={"MLS-TST-001": "critical"}
    )
    assert overridden.risk is not None and overridden.risk.score == 16


# ------------------------------------------------------------------ baseline/order
def test_baseline_state() -> None:
    fp = fingerprint("MLS-TST-001", "cfg/dvc.ini", "storage", "")
    states = {
        f.asset: f.baseline_state for f in _shape(_v(), _v(asset="zz"), baseline=frozenset({fp}))
    }
    assert states == {"storage": "unchanged", "zz": "new"}
    (none,) = _shape(_v())
    assert none.baseline_state is None


def test_order_is_deterministic_whatever_the_input_order() -> None:
    vs = [
        _v(HIGH, path="b.ini", line=1),
        _v(LOW, path="a.ini", line=5),
        _v(HIGH, path="a.ini", line=5),
        _v(HIGH, path="a.ini", line=2, asset="x"),
        _v(HIGH, path="a.ini", line=None, asset="file"),
    ]
    first = _shape(*vs)
    assert _shape(*reversed(vs)) == first
    assert [(f.location.path, f.location.start_line, f.control.id) for f in first] == [
        ("a.ini", None, "MLS-TST-001"),
        ("a.ini", 2, "MLS-TST-001"),
        ("a.ini", 5, "MLS-TST-001"),
        ("a.ini", 5, "MLS-TST-002"),
        ("b.ini", 1, "MLS-TST-001"),
    ]
