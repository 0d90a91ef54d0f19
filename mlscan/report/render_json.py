"""The report model as JSON (sorted keys, stable order: byte-identical for the same input)."""

from __future__ import annotations

import json
from typing import Any

from mlscan.models import Control, Finding
from mlscan.report import views
from mlscan.report.model import Report

REPORT_SCHEMA_VERSION = "1"


def _control(c: Control) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "severity": c.severity,
        "stride": list(c.stride),
        "linddun": list(c.linddun),
        "remediation": c.remediation,
        "references": [{"label": label, "url": url} for label, url in views.references(c)],
    }


def _finding(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "control": f.control.id,
        "severity": f.severity,
        "message": f.message,
        "location": {
            "path": loc.path,
            "start_line": loc.start_line,
            "start_col": loc.start_col,
            "end_line": loc.end_line,
            "end_col": loc.end_col,
        },
        "asset": f.asset,
        "fingerprint": f.fingerprint,
        "suppressed": f.suppressed,
        "risk": None
        if f.risk is None
        else {
            "score": f.risk.score,
            "likelihood": f.risk.likelihood,
            "impact": f.risk.impact,
            "impact_score": f.risk.impact_score,
            "asset_group": f.risk.asset_group,
        },
    }


def to_dict(report: Report) -> dict[str, Any]:
    s = views.summary(report)
    matrix, _more = views.stride_matrix(report)
    linddun, linddun_total, tagged = views.linddun_table(report)
    scope = report.scope
    return {
        "schema_version": REPORT_SCHEMA_VERSION,
        "title": report.title,
        "scope": {
            "source": scope.source,
            "roots": list(scope.roots),
            "tool_version": scope.tool_version,
            "policy_hashes": list(scope.policy_hashes),
            "date": scope.date,
            "inputs": list(scope.inputs),
            "duplicates_removed": scope.duplicates_removed,
            "files_by_family": {k: list(v) for k, v in scope.files_by_family.items()},
            "facts_summary": dict(scope.facts_summary),
        },
        "risk_formula": views.RISK_FORMULA,
        "summary": {
            "total": s.total,
            "active": s.active,
            "suppressed": s.suppressed,
            "by_severity": s.by_severity,
            "by_stride": s.by_stride,
            "by_asset": [{"asset": a, "by_severity": row, "total": t} for a, row, t in s.by_asset],
            "controls_by_state": s.controls_by_state,
        },
        "findings": [
            {
                **_finding(rf.finding),
                "repository": rf.repository,
                "asset_label": rf.asset_label,
                "element": rf.element,
                "snippet": rf.snippet,
                "snippet_withheld": rf.snippet_withheld,
                "remediation": rf.finding.control.remediation,
            }
            for rf in report.findings
        ],
        "stride_matrix": [{"asset": r.asset, "counts": r.counts, "total": r.total} for r in matrix],
        "linddun": {
            "controls_tagged": tagged,
            "findings": linddun_total,
            "rows": [
                {"category": r.category, "controls": r.controls, "failed": r.failed,
                 "findings": r.findings}
                for r in linddun
            ],
        },
        "diagram": {
            "elements": [
                {"id": e.id, "kind": e.kind, "label": e.label, "detail": e.detail,
                 "boundary": e.boundary, "counts": dict(e.counts), "findings": e.findings}
                for e in report.diagram.elements
            ],
            "flows": [
                {"id": f.id, "source": f.source, "target": f.target, "label": f.label,
                 "counts": dict(f.counts), "findings": f.findings}
                for f in report.diagram.flows
            ],
            "boundaries": [{"id": b.id, "label": b.label} for b in report.diagram.boundaries],
            "note": report.diagram.note,
        },
        "controls": [
            {**_control(cs.control), "state": cs.state, "active": cs.active,
             "suppressed": cs.suppressed, "reads": list(cs.reads), "present": list(cs.present)}
            for cs in report.controls
        ],
        "remediation_plan": [
            {"rank": p.rank, "control": p.control.id, "title": p.control.title,
             "severity": p.severity, "max_risk": p.max_score, "findings": p.findings,
             "fix": p.control.remediation, "assets": p.assets, "locations": p.locations,
             "more_locations": p.more_locations}
            for p in views.remediation_plan(report)
        ],
        "notifications": [
            {"path": n.path, "line": n.line, "level": n.level, "kind": n.kind,
             "message": n.message}
            for n in report.notifications
        ],
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
