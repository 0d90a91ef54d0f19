"""The generated threat model as an OWASP Threat Dragon v2 model (JSON).

One STRIDE diagram: trust boundaries as ``trust-boundary-box`` cells, actors, processes and
stores at the report's layout positions, data flows as ``flow`` edges, and every finding as
an open threat (suppressed ones as mitigated, with the justification) on the cell it is
drawn on. Identifiers are name-based UUIDs, so the export is byte-identical for the same
input.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from mlscan.models import STRIDE_CATEGORIES
from mlscan.report.model import APPLICABLE_STRIDE, Report, ReportFinding
from mlscan.report.views import STRIDE_TITLES

TD_VERSION = "2.2.0"
_NS = uuid.UUID("6f1d1c2e-8b0a-5c55-9a5e-6d6c7363616e")
_SEVERITY = {"critical": "High", "high": "High", "medium": "Medium", "low": "Low"}
_TYPES = {"actor": "tm.Actor", "process": "tm.Process", "store": "tm.Store"}


def _uid(*parts: str) -> str:
    return str(uuid.uuid5(_NS, "\0".join(parts)))


def _threat_type(categories: tuple[str, ...], kind: str) -> str:
    ordered = [c for c in STRIDE_CATEGORIES if c in categories]
    applicable = [c for c in ordered if c in APPLICABLE_STRIDE[kind]]
    chosen = (applicable or ordered or ["tampering"])[0]
    return STRIDE_TITLES[chosen]


def _threat(rf: ReportFinding, kind: str, number: int) -> dict[str, Any]:
    f = rf.finding
    ident = _uid("threat", rf.repository, f.fingerprint, f.control.id, str(f.location), f.message)
    mitigation = f.control.remediation or ""
    status = "Open"
    if f.suppressed and f.suppression is not None:
        status = "Mitigated"
        mitigation = f"Accepted: {f.suppression.justification}. {mitigation}".strip()
    where = rf.where
    return {
        "id": ident,
        "threatId": ident,
        "number": number,
        "title": f"{f.control.id}: {f.control.title}",
        "status": status,
        "severity": _SEVERITY.get(f.severity, "Medium"),
        "type": _threat_type(f.control.stride, kind),
        "modelType": "STRIDE",
        "score": str(rf.score),
        "description": f"{f.message} ({f.severity}, at {where})",
        "mitigation": mitigation,
    }


def _threats(report: Report) -> tuple[dict[str, list[dict[str, Any]]], int]:
    kinds: dict[str, str] = {e.id: e.kind for e in report.diagram.elements}
    kinds.update({fl.id: "flow" for fl in report.diagram.flows})
    out: dict[str, list[dict[str, Any]]] = {}
    number = 0
    for rf in report.findings:
        if rf.element not in kinds:
            continue
        number += 1
        out.setdefault(rf.element, []).append(_threat(rf, kinds[rf.element], number))
    return out, number


def _open(threats: list[dict[str, Any]]) -> bool:
    return any(t["status"] == "Open" for t in threats)


def to_model(report: Report) -> dict[str, Any]:
    threats, top = _threats(report)
    d = report.diagram
    cells: list[dict[str, Any]] = []
    for b in d.boundaries:
        cells.append(
            {
                "id": _uid("cell", b.id),
                "shape": "trust-boundary-box",
                "zIndex": -1,
                "visible": True,
                "position": {"x": b.x, "y": b.y},
                "size": {"width": b.w, "height": b.h},
                "attrs": {"label": {"text": b.label}},
                "data": {
                    "type": "tm.BoundaryBox",
                    "name": b.label,
                    "description": "",
                    "isTrustBoundary": True,
                    "hasOpenThreats": False,
                },
            }
        )
    z = 1
    for e in d.elements:
        z += 1
        ts = threats.get(e.id, [])
        data: dict[str, Any] = {
            "type": _TYPES[e.kind],
            "name": e.label,
            "description": e.detail,
            "outOfScope": False,
            "reasonOutOfScope": "",
            "hasOpenThreats": _open(ts),
            "threats": ts,
        }
        if e.kind == "actor":
            data["providesAuthentication"] = False
        elif e.kind == "process":
            data.update(
                handlesCardPayment=False,
                handlesGoodsOrServices=False,
                isWebApplication=False,
                privilegeLevel="",
            )
        else:
            data.update(isALog=False, storesCredentials=False, isEncrypted=False, isSigned=False)
        cells.append(
            {
                "id": _uid("cell", e.id),
                "shape": e.kind,
                "zIndex": z,
                "visible": True,
                "position": {"x": e.x, "y": e.y},
                "size": {"width": e.w, "height": e.h},
                "attrs": {
                    "text": {"text": e.label},
                    "body": {"stroke": "#333333", "strokeWidth": 1.5, "strokeDasharray": None},
                },
                "data": data,
            }
        )
    boundary_of = {e.id: e.boundary for e in d.elements}
    for fl in d.flows:
        z += 1
        ts = threats.get(fl.id, [])
        cells.append(
            {
                "id": _uid("cell", fl.id),
                "shape": "flow",
                "zIndex": z,
                "connector": "smooth",
                "source": {"cell": _uid("cell", fl.source)},
                "target": {"cell": _uid("cell", fl.target)},
                "vertices": [],
                "labels": [fl.label],
                "attrs": {
                    "line": {
                        "stroke": "#333333",
                        "strokeWidth": 1.5,
                        "targetMarker": {"name": "block"},
                        "sourceMarker": {"name": ""},
                        "strokeDasharray": None,
                    }
                },
                "data": {
                    "type": "tm.Flow",
                    "name": fl.label,
                    "description": "",
                    "outOfScope": False,
                    "reasonOutOfScope": "",
                    "hasOpenThreats": _open(ts),
                    "isBidirectional": False,
                    "isEncrypted": False,
                    "isPublicNetwork": boundary_of.get(fl.source) == "users",
                    "protocol": "",
                    "threats": ts,
                },
            }
        )
    scope = report.scope
    description = (
        f"Generated by mlscan {scope.tool_version} from "
        + ("a scan of " if scope.source == "scan" else "SARIF logs of ")
        + ", ".join(scope.roots)
        + (f" (policy {', '.join(scope.policy_hashes)})" if scope.policy_hashes else "")
        + ". Threats are the scanner's findings; review and extend the model."
    )
    return {
        "version": TD_VERSION,
        "summary": {"title": report.title, "owner": "", "description": description, "id": 0},
        "detail": {
            "contributors": [],
            "diagrams": [
                {
                    "id": 0,
                    "title": "ML pipeline",
                    "diagramType": "STRIDE",
                    "placeholder": "ML pipeline data-flow diagram generated by mlscan",
                    "thumbnail": "./public/content/images/thumbnail.stride.jpg",
                    "version": TD_VERSION,
                    "description": d.note,
                    "cells": cells,
                }
            ],
            "diagramTop": 0,
            "reviewer": "",
            "threatTop": top,
        },
    }


def render(report: Report) -> str:
    return json.dumps(to_model(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def cells_by_shape(model: Mapping[str, Any]) -> dict[str, int]:
    """Count of cells per shape (used by tests and docs)."""
    counts: dict[str, int] = {}
    for diagram in model.get("detail", {}).get("diagrams", []):
        for cell in diagram.get("cells", []):
            counts[cell["shape"]] = counts.get(cell["shape"], 0) + 1
    return dict(sorted(counts.items()))
