"""Helpers shared by the reporters: ordering, level mapping, summaries, safe text.

Everything here is a pure function of a ``ScanResult``; nothing reads files.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from mlscan.models import (
    SEVERITIES,
    STRIDE_CATEGORIES,
    Control,
    Finding,
    Location,
    Notification,
    ScanResult,
)

TOOL_NAME = "mlscan"
INFORMATION_URI = "https://github.com/mlscan/mlscan"

#: SARIF ``level`` for each severity.
SARIF_LEVEL: Mapping[str, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "note",
}

#: GitHub ``security-severity`` for each severity, inside GitHub's ranges
#: (critical >= 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9).
SECURITY_SEVERITY: Mapping[str, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "2.0",
}

_STRIDE_ORDER = {name: i for i, name in enumerate(STRIDE_CATEGORIES)}



def json_safe(value: Any) -> Any:
    """A JSON-native copy of ``value`` with a deterministic shape.

    Mappings get string keys, tuples become lists, sets become sorted lists, non-finite
    floats and unknown objects become strings.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return str(value)


def location_dict(loc: Location) -> dict[str, Any]:
    return {
        "path": loc.path,
        "start_line": loc.start_line,
        "start_col": loc.start_col,
        "end_line": loc.end_line,
        "end_col": loc.end_col,
    }


def stride_sorted(categories: Iterable[str]) -> list[str]:
    """STRIDE categories in S-T-R-I-D-E order, unknown ones last (sorted), no duplicates."""
    unique = set(categories)
    return sorted(unique, key=lambda c: (_STRIDE_ORDER.get(c, len(_STRIDE_ORDER)), c))


def control_dict(control: Control) -> dict[str, Any]:
    return {
        "id": control.id,
        "name": control.name,
        "title": control.title,
        "description": control.description,
        "severity": control.severity,
        "stride": stride_sorted(control.stride),
        "linddun": sorted(set(control.linddun)),
        "atlas": sorted(set(control.atlas)),
        "owasp_ml": sorted(set(control.owasp_ml)),
        "cwe": sorted(set(control.cwe)),
        "references": list(control.references),
        "remediation": control.remediation,
        "help_uri": control.help_uri,
        "precision": control.precision,
        "package": control.package,
        "source": control.source,
        "builtin": control.builtin,
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """The JSON shape of one finding (documented in docs/output-json.md)."""
    sup = finding.suppression
    risk = finding.risk
    return {
        "control": finding.control.id,
        "title": finding.control.title,
        "severity": finding.severity,
        "message": finding.message,
        "location": location_dict(finding.location),
        "related": [location_dict(r) for r in finding.related],
        "logical_location": finding.logical_location or None,
        "asset": finding.asset,
        "fingerprint": finding.fingerprint,
        "stride": stride_sorted(finding.control.stride),
        "linddun": sorted(set(finding.control.linddun)),
        "suppressed": finding.suppressed,
        "suppression": None
        if sup is None
        else {
            "kind": sup.kind,
            "justification": sup.justification,
            "expires": sup.expires,
            "expired": sup.expired,
            "location": None if sup.location is None else location_dict(sup.location),
        },
        "risk": None
        if risk is None
        else {
            "score": risk.score,
            "likelihood": risk.likelihood,
            "impact": risk.impact,
            "impact_score": risk.impact_score,
            "asset_group": risk.asset_group,
        },
        "baseline_state": finding.baseline_state,
        "evidence": json_safe(finding.evidence),
    }


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=True)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in ``Finding.sort_key()`` order; ties broken by the whole finding, so the
    result does not depend on the input order."""
    by_key = sorted(findings, key=lambda f: f.sort_key())
    out: list[Finding] = []
    for _key, group in groupby(by_key, key=lambda f: f.sort_key()):
        same = list(group)
        if len(same) > 1:
            same.sort(key=lambda f: _canonical(finding_dict(f)))
        out.extend(same)
    return out


def notification_key(n: Notification) -> tuple[Any, ...]:
    return (n.path, n.line or 0, n.kind, n.level, n.message, n.source)


def sorted_notifications(notifications: Iterable[Notification]) -> list[Notification]:
    return sorted(notifications, key=notification_key)


def catalogue(result: ScanResult) -> list[Control]:
    """The evaluated controls sorted by id, one per id, plus any control that a finding
    refers to but the catalogue lacks (so every finding has a rule)."""
    by_id: dict[str, Control] = {}
    ordered = sorted(result.controls, key=lambda c: (c.id, _canonical(control_dict(c))))
    for control in ordered:
        by_id.setdefault(control.id, control)
    extra = sorted(
        (f.control for f in result.findings if f.control.id not in by_id),
        key=lambda c: (c.id, _canonical(control_dict(c))),
    )
    for control in extra:
        by_id.setdefault(control.id, control)
    return [by_id[k] for k in sorted(by_id)]


@dataclass(frozen=True, kw_only=True)
class Summary:
    """Counts shared by the JSON and text reporters.

    ``by_severity`` and ``by_stride`` count active (not suppressed) findings only.
    """

    total: int
    active: int
    suppressed: int
    expired_suppressions: int
    files: int
    by_severity: Mapping[str, int]
    suppressed_by_severity: Mapping[str, int]
    by_stride: Mapping[str, int]
    notifications: int
    notifications_by_level: Mapping[str, int]


def summarize(result: ScanResult) -> Summary:
    by_sev: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    sup_by_sev: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    by_stride = dict.fromkeys(STRIDE_CATEGORIES, 0)
    files: set[str] = set()
    active = suppressed = expired = 0
    for f in result.findings:
        if f.suppression is not None and f.suppression.expired:
            expired += 1
        if f.suppressed:
            suppressed += 1
            sup_by_sev[f.severity] = sup_by_sev.get(f.severity, 0) + 1
            continue
        active += 1
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
        for cat in set(f.control.stride):
            by_stride[cat] = by_stride.get(cat, 0) + 1
        if f.location.path:
            files.add(f.location.path)
    by_level = {"error": 0, "warning": 0, "note": 0}
    for n in result.notifications:
        by_level[n.level] = by_level.get(n.level, 0) + 1
    return Summary(
        total=len(result.findings),
        active=active,
        suppressed=suppressed,
        expired_suppressions=expired,
        files=len(files),
        by_severity=by_sev,
        suppressed_by_severity=sup_by_sev,
        by_stride={k: by_stride[k] for k in stride_sorted(by_stride)},
        notifications=len(result.notifications),
        notifications_by_level=by_level,
    )


def expired_note(finding: Finding) -> str:
    """A short sentence for a finding whose suppression has expired ("" otherwise)."""
    sup = finding.suppression
    if sup is None or not sup.expired:
        return ""
    when = f" on {sup.expires}" if sup.expires else ""
    return f"suppression expired{when}"
