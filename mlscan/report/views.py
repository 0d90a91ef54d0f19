"""Tables computed from the report model, shared by every renderer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mlscan.models import (
    LINDDUN_CATEGORIES,
    SEVERITIES,
    STRIDE_CATEGORIES,
    STRIDE_LETTER,
    Control,
)
from mlscan.report.model import Report, ReportFinding

TOP_RISKS = 25
MAX_MATRIX_ROWS = 40
MAX_PLAN_LOCATIONS = 8

RISK_FORMULA = (
    "risk = likelihood \u00d7 business impact; likelihood from severity (low 1, medium 2, high 3, "
    "critical 4); impact from the asset tiers in the configuration (low 1, medium 2, high 3, "
    "critical 4; assets that match no tier count as medium 2). Scores range from 1 to 16."
)

STRIDE_TITLES = {
    "spoofing": "Spoofing",
    "tampering": "Tampering",
    "repudiation": "Repudiation",
    "information-disclosure": "Information disclosure",
    "denial-of-service": "Denial of service",
    "elevation-of-privilege": "Elevation of privilege",
}
LINDDUN_TITLES = {
    "linking": "Linking",
    "identifying": "Identifying",
    "non-repudiation": "Non-repudiation",
    "detecting": "Detecting",
    "data-disclosure": "Data disclosure",
    "unawareness": "Unawareness",
    "non-compliance": "Non-compliance",
}
STATE_TITLES = {
    "failed": "failed",
    "accepted": "accepted (suppressed)",
    "passed": "passed",
    "not-applicable": "not applicable",
    "not-determined": "no findings (applicability unknown)",
}

ATLAS_URI = "https://atlas.mitre.org/{kind}/{id}"
OWASP_ML_URI = "https://owasp.org/www-project-machine-learning-security-top-10/"
CWE_URI = "https://cwe.mitre.org/data/definitions/{n}.html"


def active(report: Report) -> list[ReportFinding]:
    return [rf for rf in report.findings if not rf.finding.suppressed]


@dataclass(frozen=True, kw_only=True)
class Summary:
    total: int
    active: int
    suppressed: int
    by_severity: Mapping[str, int]
    by_stride: dict[str, int]
    by_asset: list[tuple[str, dict[str, int], int]]  # asset, severity counts, total
    controls_by_state: dict[str, int]


def summary(report: Report) -> Summary:
    act = active(report)
    by_sev: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    by_stride = dict.fromkeys(STRIDE_CATEGORIES, 0)
    assets: dict[str, dict[str, int]] = {}
    for rf in act:
        f = rf.finding
        by_sev[f.severity] = by_sev.get(f.severity, 0) + 1
        for c in set(f.control.stride):
            if c in by_stride:
                by_stride[c] += 1
        row = assets.setdefault(rf.asset_label, dict.fromkeys(SEVERITIES, 0))
        row[f.severity] += 1
    by_asset = sorted(
        ((a, row, sum(row.values())) for a, row in assets.items()),
        key=lambda t: (-t[2], *(-t[1][s] for s in SEVERITIES), t[0]),
    )
    states = dict.fromkeys(STATE_TITLES, 0)
    for cs in report.controls:
        states[cs.state] += 1
    return Summary(
        total=len(report.findings),
        active=len(act),
        suppressed=len(report.findings) - len(act),
        by_severity=by_sev,
        by_stride=by_stride,
        by_asset=by_asset,
        controls_by_state=states,
    )


def top_risks(report: Report, limit: int = TOP_RISKS) -> list[ReportFinding]:
    return active(report)[:limit]


@dataclass(frozen=True, kw_only=True)
class MatrixRow:
    asset: str
    counts: dict[str, int]
    levels: dict[str, int]  # 0..5 heat level per category
    total: int


def stride_matrix(report: Report) -> tuple[list[MatrixRow], int]:
    """STRIDE x asset counts (active findings), the asset with the highest risk first
    (then the busiest), and how many rows were left out."""
    rows: dict[str, dict[str, int]] = {}
    top: dict[str, int] = {}
    for rf in active(report):
        top[rf.asset_label] = max(top.get(rf.asset_label, 0), rf.score)
        row = rows.setdefault(rf.asset_label, dict.fromkeys(STRIDE_CATEGORIES, 0))
        for c in set(rf.finding.control.stride):
            if c in row:
                row[c] += 1
    peak = max((v for row in rows.values() for v in row.values()), default=0)
    out = [
        MatrixRow(
            asset=a,
            counts=row,
            levels={c: _heat(v, peak) for c, v in row.items()},
            total=sum(row.values()),
        )
        for a, row in rows.items()
    ]
    out.sort(key=lambda r: (-top[r.asset], -r.total, r.asset))
    return out[:MAX_MATRIX_ROWS], max(0, len(out) - MAX_MATRIX_ROWS)


def _heat(value: int, peak: int) -> int:
    if value <= 0 or peak <= 0:
        return 0
    return max(1, min(5, (value * 5 + peak - 1) // peak))


@dataclass(frozen=True, kw_only=True)
class LinddunRow:
    category: str
    title: str
    controls: list[str]
    failed: list[str]
    findings: int


def linddun_table(report: Report) -> tuple[list[LinddunRow], int, bool]:
    """One row per LINDDUN category, the number of failed findings, and whether any
    evaluated control carries a LINDDUN tag at all."""
    rows: list[LinddunRow] = []
    tagged = False
    total = 0
    for cat in LINDDUN_CATEGORIES:
        controls = sorted(cs.control.id for cs in report.controls if cat in cs.control.linddun)
        tagged = tagged or bool(controls)
        failed = sorted(
            cs.control.id
            for cs in report.controls
            if cat in cs.control.linddun and cs.state == "failed"
        )
        n = sum(
            1 for rf in active(report) if cat in rf.finding.control.linddun
        )
        total += n
        rows.append(
            LinddunRow(category=cat, title=LINDDUN_TITLES[cat], controls=controls, failed=failed,
                       findings=n)
        )
    return rows, total, tagged


@dataclass(frozen=True, kw_only=True)
class PlanItem:
    rank: int
    control: Control
    max_score: int
    findings: int
    assets: list[str]
    locations: list[str]
    more_locations: int = 0
    severity: str = ""
    steps: list[str] = field(default_factory=list)


def remediation_plan(report: Report) -> list[PlanItem]:
    """One item per failed control (fix once, everywhere), highest risk first."""
    groups: dict[str, list[ReportFinding]] = {}
    for rf in active(report):
        groups.setdefault(rf.finding.control.id, []).append(rf)
    items: list[tuple[tuple[int, int, str], list[ReportFinding]]] = []
    for cid, rfs in groups.items():
        top = max(rf.score for rf in rfs)
        items.append(((-top, -len(rfs), cid), rfs))
    items.sort(key=lambda t: t[0])
    plan: list[PlanItem] = []
    for rank, (_key, rfs) in enumerate(items, start=1):
        control = rfs[0].finding.control
        locations = sorted({rf.where for rf in rfs})
        worst = min((rf.finding.severity for rf in rfs), key=SEVERITIES.index)
        plan.append(
            PlanItem(
                rank=rank,
                control=control,
                max_score=max(rf.score for rf in rfs),
                findings=len(rfs),
                assets=sorted({rf.asset_label for rf in rfs}),
                locations=locations[:MAX_PLAN_LOCATIONS],
                more_locations=max(0, len(locations) - MAX_PLAN_LOCATIONS),
                severity=worst,
            )
        )
    return plan


def references(control: Control) -> list[tuple[str, str]]:
    """(label, url) for the control's ATLAS, OWASP ML, CWE and other references."""
    refs: list[tuple[str, str]] = []
    for a in sorted(set(control.atlas)):
        kind = "mitigations" if a.startswith("AML.M") else "techniques"
        refs.append((a, ATLAS_URI.format(kind=kind, id=a)))
    refs += [(f"OWASP {o}", OWASP_ML_URI) for o in sorted(set(control.owasp_ml))]
    refs += [(f"CWE-{n}", CWE_URI.format(n=n)) for n in sorted(set(control.cwe))]
    refs += [(r, r) for r in control.references if _is_http(r)]
    return refs


def _is_http(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def stride_letters(categories: Sequence[str]) -> str:
    return "".join(STRIDE_LETTER[c] for c in STRIDE_CATEGORIES if c in categories)


def family_counts(report: Report) -> list[tuple[str, int, list[str]]]:
    """(family, file count, first files) for the scope section."""
    out = []
    for family, files in sorted(report.scope.files_by_family.items()):
        if files:
            out.append((family, len(files), list(files[:6])))
    return out
