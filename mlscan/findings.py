"""Violations -> findings: control metadata, severity overrides, fingerprints,
suppressions (inline and config), baseline state and business-impact risk."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, cast

from mlscan.controls import PolicySet
from mlscan.errors import EngineError
from mlscan.models import (
    SEVERITIES,
    SEVERITY_RANK,
    Control,
    Finding,
    Location,
    Risk,
    Severity,
    Suppression,
    Violation,
)

IMPACT_SCORE = {"critical": 4, "high": 3, "medium": 2, "low": 1}
FINGERPRINT_KEY = "mlscan/v1"


@dataclass(frozen=True, kw_only=True)
class ShapingRules:
    """What the configuration says about findings (decoupled from config.py)."""

    disable: frozenset[str] = frozenset()
    severity: Mapping[str, str] | None = None
    ignore: tuple[Mapping[str, Any], ...] = ()  # {control, path, reason, expires}
    assets: tuple[Mapping[str, Any], ...] = ()  # {name, match, impact}
    inline: Mapping[str, Sequence[Any]] | None = None  # path -> InlineSuppression-like
    baseline: frozenset[str] | None = None
    today: dt.date | None = None


def to_violations(raw: Mapping[str, Sequence[Any]], policies: PolicySet) -> list[Violation]:
    """Validate each deny object and attach it to its control."""
    by_package = policies.by_package
    out: list[Violation] = []
    for package in sorted(raw):
        control = by_package.get(package)
        if control is None:
            continue  # a helper package that happens to define deny; not a control
        for item in raw[package]:
            out.append(_violation(control, item))
    return out


def _violation(control: Control, item: Any) -> Violation:
    if not isinstance(item, Mapping):
        raise EngineError(
            f"control {control.id} ({control.source}) produced a {_json_type(item)} in "
            "'deny'; each deny must be an object with 'msg' and 'loc' "
            "(deny contains v if {... v := {\"msg\": ..., \"loc\": ...}}); fix the policy"
        )
    msg = item.get("msg")
    loc = item.get("loc")
    if not isinstance(msg, str) or not isinstance(loc, Mapping) or not loc.get("path"):
        raise EngineError(
            f"control {control.id} ({control.source}) produced a deny object without "
            "'msg' (string) and 'loc' ({path, line, ...}); fix the policy"
        )
    related = item.get("related") or []
    sev = item.get("severity")
    evidence = item.get("evidence") or {}
    return Violation(
        control_id=control.id,
        message=msg,
        location=Location.from_fact(loc),
        asset=str(item.get("asset") or ""),
        key=str(item.get("key") or ""),
        evidence=dict(evidence) if isinstance(evidence, Mapping) else {"value": evidence},
        related=tuple(
            Location.from_fact(r) for r in related if isinstance(r, Mapping) and r.get("path")
        ),
        logical_location=str(item.get("logical_location") or ""),
        severity=sev if sev in SEVERITIES else None,
    )


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "null" if value is None else type(value).__name__


def fingerprint(control_id: str, path: str, asset: str, key: str) -> str:
    """Stable across unrelated edits: never includes a line number."""
    h = hashlib.sha256("\0".join((control_id, path, asset, key)).encode("utf-8"))
    return h.hexdigest()[:32]


def shape(
    violations: Iterable[Violation], policies: PolicySet, rules: ShapingRules
) -> tuple[Finding, ...]:
    by_id = policies.by_id
    today = rules.today or dt.date.today()
    findings: dict[str, Finding] = {}
    for v in sorted(violations, key=_vkey):
        if v.control_id in rules.disable:
            continue
        control = by_id[v.control_id]
        evidence = dict(v.evidence)
        sev: Severity = v.severity or control.severity
        if rules.severity and v.control_id in rules.severity:
            sev = cast(Severity, rules.severity[v.control_id])
        fp = fingerprint(v.control_id, v.location.path, v.asset, v.key)
        finding = Finding(
            control=control,
            severity=sev,
            message=v.message,
            location=v.location,
            related=v.related,
            asset=v.asset,
            evidence=evidence,
            fingerprint=fp,
            logical_location=v.logical_location,
        )
        if fp in findings:
            if (
                findings[fp].message == finding.message
                and findings[fp].location == finding.location
            ):
                continue
            n = 2
            while f"{fp}:{n}" in findings:
                n += 1
            fp = f"{fp}:{n}"
            finding = replace(finding, fingerprint=fp)
        # An expired suppression stays on the finding (expired=True); every reporter
        # says so next to the message, so the message itself is left as the policy wrote it.
        finding = replace(finding, suppression=_suppression(finding, rules, today))
        finding = replace(finding, risk=_risk(finding, rules.assets))
        if rules.baseline is not None:
            finding = replace(
                finding, baseline_state="unchanged" if fp in rules.baseline else "new"
            )
        findings[fp] = finding
    return tuple(sorted(findings.values(), key=Finding.sort_key))


def _vkey(v: Violation) -> tuple[Any, ...]:
    loc = v.location
    return (
        v.control_id,
        loc.path,
        loc.start_line or 0,
        loc.start_col or 0,
        v.asset,
        v.key,
        v.message,
    )


def _expired(expires: str | None, today: dt.date) -> bool:
    return expires is not None and dt.date.fromisoformat(expires) < today


def _suppression(f: Finding, rules: ShapingRules, today: dt.date) -> Suppression | None:
    """The first suppression in force (inline before config); when every matching one
    has expired, the first of those, so that the finding can say so."""
    candidates: list[Suppression] = []
    line = f.location.start_line
    for s in (rules.inline or {}).get(f.location.path, ()):
        if f.control.id in s.control_ids and line is not None and line in s.applies_to:
            candidates.append(
                Suppression(
                    kind="inSource",
                    justification=s.reason,
                    expires=s.expires,
                    expired=_expired(s.expires, today),
                    location=Location(path=s.path, start_line=s.line),
                )
            )
    for rule in rules.ignore:
        if rule["control"] != f.control.id:
            continue
        pattern = str(rule["path"])
        if f.location.path == pattern or _glob(f.location.path, pattern):
            expires = rule.get("expires")
            candidates.append(
                Suppression(
                    kind="external",
                    justification=str(rule["reason"]),
                    expires=expires,
                    expired=_expired(expires, today),
                )
            )
    active = [c for c in candidates if not c.expired]
    chosen = active or candidates
    return chosen[0] if chosen else None


def _glob(path: str, pattern: str) -> bool:
    """fnmatch, where a leading ``**/`` also matches at the top level."""
    return fnmatch.fnmatchcase(path, pattern) or (
        pattern.startswith("**/") and fnmatch.fnmatchcase(path, pattern[3:])
    )


def _risk(f: Finding, assets: Sequence[Mapping[str, Any]]) -> Risk:
    likelihood = SEVERITY_RANK[f.severity]
    impact, group = "medium", ""
    for a in assets:
        patterns = a.get("match") or ()
        if any(
            _glob(f.location.path, p)
            or _glob(f.location.path, p.rstrip("/") + "/*")
            or (f.asset and fnmatch.fnmatchcase(f.asset, p))
            for p in patterns
        ):
            impact, group = str(a.get("impact", "medium")), str(a.get("name", ""))
            break
    score = likelihood * IMPACT_SCORE[impact]
    return Risk(
        likelihood=likelihood,
        impact=impact,
        impact_score=IMPACT_SCORE[impact],
        score=score,
        asset_group=group,
    )
