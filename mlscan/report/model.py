"""The auditor report's data model: everything a renderer needs, already decided.

Renderers (HTML, Markdown, JSON, Threat Dragon) only format this model. It is built from
a ``ScanResult`` plus the fact document (``assemble.build_report``) or from SARIF logs
(``sarif_merge``). Imports ``mlscan.models`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from mlscan.models import STRIDE_CATEGORIES, Control, Finding, Notification

ControlState = Literal["failed", "accepted", "passed", "not-applicable", "not-determined"]
ElementKind = Literal["actor", "process", "store"]

#: STRIDE categories that apply to each element type (STRIDE per element).
APPLICABLE_STRIDE: Mapping[str, tuple[str, ...]] = {
    "actor": ("spoofing", "repudiation"),
    "store": ("tampering", "repudiation", "information-disclosure", "denial-of-service"),
    "process": STRIDE_CATEGORIES,
    "flow": ("tampering", "information-disclosure", "denial-of-service"),
}


@dataclass(frozen=True, kw_only=True)
class ReportFinding:
    """A finding as the report shows it."""

    finding: Finding
    repository: str = ""  # set when several repositories are merged
    snippet: str | None = None  # the (redacted) source line, when known
    snippet_withheld: bool = False  # the line may hold a credential and is not shown
    element: str = ""  # id of the diagram element or flow it is drawn on

    @property
    def asset_label(self) -> str:
        f = self.finding
        name = (f.risk.asset_group if f.risk else "") or f.asset or f.location.path or "-"
        return f"{self.repository}: {name}" if self.repository else name

    @property
    def where(self) -> str:
        loc = str(self.finding.location) or self.finding.logical_location or "-"
        return f"{self.repository}: {loc}" if self.repository else loc

    @property
    def score(self) -> int:
        return self.finding.risk.score if self.finding.risk else 0


@dataclass(frozen=True, kw_only=True)
class ControlStatus:
    control: Control
    state: ControlState
    active: int = 0
    suppressed: int = 0
    reads: tuple[str, ...] = ()  # fact lists the control reads ("mlflow.servers")
    present: tuple[str, ...] = ()  # of those, the ones that held facts


@dataclass(frozen=True, kw_only=True)
class Element:
    """A node of the data-flow diagram (actor, process or data store)."""

    id: str
    kind: ElementKind
    label: str
    detail: str
    boundary: str
    counts: Mapping[str, int] = field(default_factory=dict)  # STRIDE category -> findings
    findings: int = 0
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0


@dataclass(frozen=True, kw_only=True)
class Flow:
    id: str
    source: str
    target: str
    label: str
    counts: Mapping[str, int] = field(default_factory=dict)
    findings: int = 0
    path: str = ""  # SVG path data, computed by the layout
    label_x: int = 0
    label_y: int = 0


@dataclass(frozen=True, kw_only=True)
class Boundary:
    id: str
    label: str
    x: int = 0
    y: int = 0
    w: int = 0
    h: int = 0


@dataclass(frozen=True, kw_only=True)
class Diagram:
    elements: tuple[Element, ...]
    flows: tuple[Flow, ...]
    boundaries: tuple[Boundary, ...]
    width: int
    height: int
    note: str = ""  # e.g. why the diagram is partial


@dataclass(frozen=True, kw_only=True)
class Scope:
    source: Literal["scan", "sarif"]
    roots: tuple[str, ...]
    tool_version: str
    policy_hashes: tuple[str, ...]
    files_by_family: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    facts_summary: Mapping[str, int] = field(default_factory=dict)
    date: str | None = None
    inputs: tuple[str, ...] = ()  # SARIF files merged
    duplicates_removed: int = 0


@dataclass(frozen=True, kw_only=True)
class Report:
    title: str
    scope: Scope
    findings: tuple[ReportFinding, ...]  # every finding, risk order
    controls: tuple[ControlStatus, ...]
    diagram: Diagram
    notifications: tuple[Notification, ...] = ()
