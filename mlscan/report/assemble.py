"""Build the report model from a scan (result + fact document) or from merged SARIF."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mlscan.models import SEVERITY_RANK, Control, Finding, Notification, ScanResult
from mlscan.report.applicability import fact_references, present_references
from mlscan.report.diagram import build_diagram
from mlscan.report.model import ControlState, ControlStatus, Report, ReportFinding, Scope


def risk_key(rf: ReportFinding) -> tuple[Any, ...]:
    """Highest risk first; then severity, repository, location and control."""
    f = rf.finding
    loc = f.location
    return (
        f.suppressed,
        -rf.score,
        -SEVERITY_RANK.get(f.severity, 0),
        rf.repository,
        loc.path,
        loc.start_line or 0,
        loc.start_col or 0,
        f.control.id,
        f.fingerprint,
        f.message,
    )


def control_statuses(
    controls: Sequence[Control],
    findings: Sequence[Finding],
    facts: Mapping[str, Any] | None,
    sources: Mapping[str, str],
) -> tuple[ControlStatus, ...]:
    """Failed / accepted / passed / not applicable for every control (``not-determined``
    when there are no facts to decide applicability, as for merged SARIF)."""
    active: dict[str, int] = {}
    suppressed: dict[str, int] = {}
    by_id: dict[str, Control] = {c.id: c for c in controls}
    for f in findings:
        by_id.setdefault(f.control.id, f.control)
        bucket = suppressed if f.suppressed else active
        bucket[f.control.id] = bucket.get(f.control.id, 0) + 1
    out: list[ControlStatus] = []
    for cid in sorted(by_id):
        control = by_id[cid]
        reads = fact_references(sources.get(cid, ""))
        present = present_references(reads, facts) if facts is not None else ()
        state: ControlState
        if active.get(cid):
            state = "failed"
        elif suppressed.get(cid):
            state = "accepted"
        elif facts is None:
            state = "not-determined"
        elif present:
            state = "passed"
        else:
            state = "not-applicable"
        out.append(
            ControlStatus(
                control=control,
                state=state,
                active=active.get(cid, 0),
                suppressed=suppressed.get(cid, 0),
                reads=reads,
                present=present,
            )
        )
    return tuple(out)


def build_report(
    result: ScanResult,
    *,
    facts: Mapping[str, Any],
    files_by_family: Mapping[str, Sequence[str]],
    control_sources: Mapping[str, str],
    snippets: Mapping[str, tuple[str | None, bool]] | None = None,
    date: str | None = None,
    title: str = "",
) -> Report:
    """The report of one scan. ``snippets`` maps a finding's fingerprint to its (already
    redacted) source line and whether it was withheld."""
    findings = list(result.findings)
    diagram, targets = build_diagram(facts, findings)
    snippets = snippets or {}
    rfs = [
        ReportFinding(
            finding=f,
            snippet=snippets.get(f.fingerprint, (None, False))[0],
            snippet_withheld=snippets.get(f.fingerprint, (None, False))[1],
            element=t,
        )
        for f, t in zip(findings, targets, strict=True)
    ]
    workspace = facts.get("workspace")
    root_name = ""
    if isinstance(workspace, Mapping) and isinstance(workspace.get("root_name"), str):
        root_name = workspace["root_name"]
    root = root_name or result.root.rstrip("/").rsplit("/", 1)[-1]
    scope = Scope(
        source="scan",
        roots=(root,),
        tool_version=result.tool_version,
        policy_hashes=(result.policy_hash,) if result.policy_hash else (),
        files_by_family={k: tuple(sorted(v)) for k, v in sorted(files_by_family.items())},
        facts_summary=dict(sorted(result.facts_summary.items())),
        date=date,
    )
    return Report(
        title=title or f"ML security report: {root}",
        scope=scope,
        findings=tuple(sorted(rfs, key=risk_key)),
        controls=control_statuses(result.controls, findings, facts, control_sources),
        diagram=diagram,
        notifications=tuple(
            sorted(result.notifications, key=lambda n: (n.path, n.line or 0, n.kind, n.message))
        ),
    )


def merged_report(
    findings: Sequence[tuple[str, Finding]],
    controls: Sequence[Control],
    *,
    roots: Sequence[str],
    tool_versions: Sequence[str],
    policy_hashes: Sequence[str],
    inputs: Sequence[str],
    duplicates_removed: int,
    notifications: Sequence[Notification] = (),
    date: str | None = None,
    title: str = "",
) -> Report:
    """The organisation-wide report of several SARIF logs: ``findings`` are
    (repository, finding) pairs, already deduplicated."""
    plain = [f for _, f in findings]
    groups = [r for r, _ in findings]
    diagram, targets = build_diagram(None, plain, groups=groups)
    rfs = [
        ReportFinding(finding=f, repository=repo, element=t)
        for (repo, f), t in zip(findings, targets, strict=True)
    ]
    scope = Scope(
        source="sarif",
        roots=tuple(sorted(set(roots))),
        tool_version=", ".join(sorted(set(v for v in tool_versions if v))) or "unknown",
        policy_hashes=tuple(sorted(set(h for h in policy_hashes if h))),
        inputs=tuple(inputs),
        duplicates_removed=duplicates_removed,
        date=date,
    )
    return Report(
        title=title or f"ML security report: {len(scope.roots)} repositories",
        scope=scope,
        findings=tuple(sorted(rfs, key=risk_key)),
        controls=control_statuses(controls, plain, None, {}),
        diagram=diagram,
        notifications=tuple(notifications),
    )
