"""The report as GitHub-flavoured Markdown.

Every value from the scanned repository goes through :func:`md` (table-safe, no HTML, no
Markdown syntax) or :func:`code` (an inline code span that cannot be broken out of); both
make control characters, bidi overrides and terminal escapes visible first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from mlscan.models import SEVERITIES, STRIDE_CATEGORIES, STRIDE_LETTER, printable
from mlscan.report import views
from mlscan.report.diagram import BOUNDARIES
from mlscan.report.model import Report

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_WS = re.compile(r"\s+")


def md(value: object) -> str:
    """Plain text for a table cell or paragraph: HTML entities for ``&<>``, inline
    Markdown syntax (emphasis, code, links, ``|``) backslash-escaped, whitespace
    (newlines) collapsed. The result never starts a line, so block syntax is inert."""
    text = _WS.sub(" ", printable(str(value), keep="\n\r\t")).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text


def code(value: object) -> str:
    """An inline code span. Backticks and pipes cannot be escaped inside code spans on
    GitHub tables, so such values fall back to escaped plain text."""
    text = _WS.sub(" ", printable(str(value), keep="\n\r\t")).strip()
    if not text:
        return ""
    if "`" in text or "|" in text or "<" in text or ">" in text or "&" in text:
        return md(text)
    return f"`{text}`"


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], align: str = "") -> list[str]:
    seps = []
    for i, _h in enumerate(header):
        seps.append("---:" if i < len(align) and align[i] == "r" else "---")
    out = [_row(header), _row(seps)]
    out += [_row(r) for r in rows]
    out.append("")
    return out


def _link(label: str, url: str) -> str:
    safe = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20").replace("<", "%3C")
    safe = safe.replace(">", "%3E").replace("|", "%7C")
    return f"[{md(label)}]({safe})"


def render(report: Report) -> str:
    s = views.summary(report)
    lines: list[str] = [f"# {md(report.title)}", ""]
    meta = f"mlscan {md(report.scope.tool_version)}"
    if report.scope.policy_hashes:
        meta += f" · policy {md(', '.join(report.scope.policy_hashes))}"
    if report.scope.date:
        meta += f" · {md(report.scope.date)}"
    lines += [meta, ""]

    # 1. scope
    lines += ["## 1. Scope and method", ""]
    if report.scope.source == "scan":
        lines += [
            "mlscan collected facts from the repository, evaluated the Rego control catalogue "
            "on them with the embedded policy engine and shaped the results into findings "
            "(severity, suppressions, business-impact risk). Model files are analysed "
            "statically and never loaded.",
            "",
        ]
    else:
        lines += [
            f"Merged from {len(report.scope.inputs)} SARIF log(s); results deduplicated by "
            f"their `mlscan/v1` fingerprint within each repository "
            f"({report.scope.duplicates_removed} duplicate(s) removed).",
            "",
        ]
    kv = [
        ("Repositories / roots", ", ".join(code(r) for r in report.scope.roots)),
        ("Tool version", f"mlscan {md(report.scope.tool_version)}"),
        ("Policy hash", ", ".join(code(h) for h in report.scope.policy_hashes) or "unknown"),
    ]
    if report.scope.date:
        kv.append(("Date", md(report.scope.date)))
    if report.scope.inputs:
        kv.append(("SARIF inputs", ", ".join(code(i) for i in report.scope.inputs)))
    states = s.controls_by_state
    kv.append(
        (
            "Controls evaluated",
            f"{len(report.controls)}: {states['failed']} failed, {states['accepted']} accepted, "
            f"{states['passed']} passed, {states['not-applicable']} not applicable",
        )
    )
    lines += _table(["Item", "Value"], kv)
    fams = views.family_counts(report)
    if fams:
        lines += ["### Files per source family", ""]
        lines += _table(
            ["Family", "Files", "Examples"],
            [
                (md(f), n, ", ".join(code(x) for x in files) + (" …" if n > len(files) else ""))
                for f, n, files in fams
            ],
            align="lr",
        )

    # 2. summary
    lines += ["## 2. Executive summary", ""]
    lines += _table(
        [*SEVERITIES, "suppressed"],
        [[*(s.by_severity[x] for x in SEVERITIES), s.suppressed]],
        align="rrrrr",
    )
    lines += ["### By STRIDE category", ""]
    lines += _table(
        [views.STRIDE_TITLES[c] for c in STRIDE_CATEGORIES],
        [[s.by_stride[c] for c in STRIDE_CATEGORIES]],
        align="rrrrrr",
    )
    lines += ["### By asset", ""]
    if s.by_asset:
        lines += _table(
            ["Asset", *SEVERITIES, "total"],
            [(code(a), *(row[x] for x in SEVERITIES), t) for a, row, t in s.by_asset],
            align="lrrrrr",
        )
    else:
        lines += ["No open findings.", ""]

    # 3. risk ranking
    lines += ["## 3. Risk ranking", "", f"> {md(views.RISK_FORMULA)}", ""]
    top = views.top_risks(report)
    if top:
        rows = []
        for i, rf in enumerate(top, start=1):
            f = rf.finding
            risk = f.risk
            factors = f" ({risk.likelihood}\u00d7{risk.impact_score})" if risk else ""
            evidence = f"{md(f.message)}<br>{code(rf.where)}"
            if rf.snippet:
                evidence += f"<br>{code(rf.snippet)}"
            elif rf.snippet_withheld:
                evidence += "<br>(source line withheld: it may contain a credential)"
            rows.append(
                (
                    i,
                    f"**{rf.score}**{factors}",
                    code(rf.asset_label),
                    f"{md(f.severity)} **{md(f.control.id)}** {md(f.control.title)}",
                    evidence,
                    md(f.control.remediation or "-"),
                )
            )
        lines += _table(["#", "Risk", "Asset", "Control", "Evidence", "Fix"], rows, align="rr")
    else:
        lines += ["No open findings: nothing to rank.", ""]

    # 4. threat model
    lines += ["## 4. Threat model", "", "### STRIDE \u00d7 asset", ""]
    matrix, more = views.stride_matrix(report)
    if matrix:
        lines += _table(
            ["Asset", *(STRIDE_LETTER[c] for c in STRIDE_CATEGORIES), "total"],
            [
                (code(r.asset), *(r.counts[c] or "" for c in STRIDE_CATEGORIES), r.total)
                for r in matrix
            ],
            align="lrrrrrrr",
        )
        if more:
            lines += [f"{more} more asset(s) not shown.", ""]
    else:
        lines += ["No open findings.", ""]
    lines += ["### Privacy threats (LINDDUN)", ""]
    linddun, total, tagged = views.linddun_table(report)
    if not tagged:
        lines += [
            "No privacy controls failed: no control in the evaluated catalogue carries a "
            "LINDDUN category.",
            "",
        ]
    else:
        if not total:
            lines += ["No privacy controls failed.", ""]
        lines += _table(
            ["LINDDUN category", "Controls", "Failed", "Findings"],
            [
                (r.title, md(", ".join(r.controls)) or "-", md(", ".join(r.failed)) or "-",
                 r.findings)
                for r in linddun
            ],
            align="lllr",
        )

    # 5. diagram (as a table: GitHub does not render inline SVG)
    lines += ["## 5. ML pipeline data-flow diagram", ""]
    lines += [
        "Elements drawn from the facts with their open findings per STRIDE category (n/a: "
        "the category does not apply to the element type). The HTML report draws the "
        "diagram.",
        "",
    ]
    if report.diagram.note:
        lines += [md(report.diagram.note), ""]
    titles = dict(BOUNDARIES)
    labels = {e.id: e.label for e in report.diagram.elements}
    rows2 = []
    for e in report.diagram.elements:
        rows2.append(
            (
                md(e.label),
                e.kind,
                md(titles.get(e.boundary, e.boundary)),
                md(e.detail),
                *(e.counts.get(c, "n/a") for c in STRIDE_CATEGORIES),
            )
        )
    for fl in report.diagram.flows:
        rows2.append(
            (
                md(fl.label),
                "data flow",
                "",
                f"{md(labels.get(fl.source, fl.source))} → {md(labels.get(fl.target, fl.target))}",
                *(fl.counts.get(c, "n/a") for c in STRIDE_CATEGORIES),
            )
        )
    if rows2:
        lines += _table(
            ["Element", "Type", "Boundary", "Details",
             *(STRIDE_LETTER[c] for c in STRIDE_CATEGORIES)],
            rows2,
            align="llllrrrrrr",
        )

    # 6. controls
    lines += ["## 6. Control catalogue status", ""]
    rows3 = []
    for cs in report.controls:
        c = cs.control
        state = views.STATE_TITLES[cs.state] + (f" ({cs.active})" if cs.active else "")
        reads = "<br>".join(code(r) + (" ✓" if r in cs.present else "") for r in cs.reads)
        refs = ", ".join(_link(label, url) for label, url in views.references(c))
        rows3.append(
            (
                f"**{md(c.id)}** {md(c.title)}",
                f"**{state}**" if cs.state == "failed" else state,
                c.severity,
                views.stride_letters(c.stride) or "-",
                reads or "-",
                refs or "-",
            )
        )
    lines += _table(["Control", "Status", "Severity", "STRIDE", "Facts read", "References"],
                    rows3)

    # 7. plan
    lines += ["## 7. Remediation plan", ""]
    plan = views.remediation_plan(report)
    if not plan:
        lines += ["Nothing to fix: no open findings.", ""]
    for item in plan:
        where = ", ".join(code(x) for x in item.locations)
        if item.more_locations:
            where += f" and {item.more_locations} more"
        lines += [
            f"{item.rank}. **{md(item.control.id)}** {md(item.control.title)} · {item.severity} · "
            f"top risk **{item.max_score}** · {item.findings} finding(s)",
            f"   - Fix: {md(item.control.remediation or item.control.description or '-')}",
            f"   - Assets: {', '.join(code(a) for a in item.assets)}",
            f"   - Where: {where}",
        ]
    lines.append("")

    # appendix
    lines += ["## Appendix A: all findings", ""]
    if report.findings:
        lines += _table(
            ["Risk", "Severity", "Control", "Location", "Message", "State"],
            [
                (
                    rf.score,
                    rf.finding.severity,
                    md(rf.finding.control.id),
                    code(rf.where),
                    md(rf.finding.message),
                    "suppressed: " + md(rf.finding.suppression.justification)
                    if rf.finding.suppressed and rf.finding.suppression
                    else ("suppression expired" if rf.finding.suppression else "open"),
                )
                for rf in report.findings
            ],
            align="r",
        )
    else:
        lines += ["No findings.", ""]
    if report.notifications:
        lines += ["### Notifications", ""]
        lines += _table(
            ["Level", "Location", "Message"],
            [
                (n.level, code(f"{n.path}:{n.line}" if n.line else n.path), md(n.message))
                for n in report.notifications
            ],
        )
    return "\n".join(lines).rstrip("\n") + "\n"
