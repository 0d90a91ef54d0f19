"""Human-readable text reporter (rich), grouped by file.

Each finding is one line: ``  L12:5  HIGH  MLS-DVC-006  message``. Only messages are
printed, never evidence. Scanned text (paths, messages) is shown with control characters
made visible so that a crafted file name cannot drive the terminal.
"""

from __future__ import annotations

import io
from itertools import groupby

from rich.console import Console
from rich.text import Text

from mlscan.models import (
    STRIDE_CATEGORIES,
    Finding,
    Location,
    Notification,
    ScanResult,
    printable,
)
from mlscan.reporters._common import (
    expired_note,
    sorted_findings,
    sorted_notifications,
    summarize,
)

DEFAULT_WIDTH = 100

SEVERITY_STYLE = {
    "critical": "bold red",
    "high": "red",
    "medium": "yellow",
    "low": "cyan",
}
LEVEL_STYLE = {"error": "red", "warning": "yellow", "note": "cyan"}
NO_FILE = "(no file)"


def position(loc: Location) -> str:
    """``L12:5``, ``L12`` or ``file`` for a file-level location."""
    if loc.start_line is None:
        return "file"
    if loc.start_col is None:
        return f"L{loc.start_line}"
    return f"L{loc.start_line}:{loc.start_col}"


def finding_line(finding: Finding) -> Text:
    line = Text("  ")
    line.append(position(finding.location), style="dim")
    line.append("  ")
    line.append(finding.severity.upper(), style=SEVERITY_STYLE.get(finding.severity, ""))
    line.append("  ")
    line.append(finding.control.id, style="bold")
    line.append("  ")
    line.append(printable(finding.message))
    if finding.logical_location and finding.logical_location != finding.location.path:
        line.append(f" [{printable(finding.logical_location)}]", style="dim")
    sup = finding.suppression
    if finding.suppressed and sup is not None:
        line.append(f"  (suppressed: {printable(sup.justification)})", style="dim")
    note = expired_note(finding)
    if note:
        line.append(f"  ({note})", style="magenta")
    return line


def notification_line(n: Notification) -> Text:
    where = n.path or NO_FILE
    if n.path and n.line is not None:
        where = f"{n.path}:{n.line}"
    line = Text("  ")
    line.append(n.level.upper(), style=LEVEL_STYLE.get(n.level, ""))
    line.append("  ")
    line.append(printable(where), style="bold")
    line.append("  ")
    line.append(printable(n.message))
    if n.kind:
        line.append(f"  [{printable(n.kind)}]", style="dim")
    return line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_lines(result: ScanResult, show_suppressed: bool) -> list[Text]:
    s = summarize(result)
    head = f"{_plural(s.total, 'finding')}: {s.active} active in {_plural(s.files, 'file')}"
    if s.suppressed:
        head += f", {s.suppressed} suppressed" + ("" if show_suppressed else " (not shown)")
    if s.expired_suppressions:
        head += f", {_plural(s.expired_suppressions, 'expired suppression')}"
    severity = Text("  By severity: ")
    for i, (sev, count) in enumerate(s.by_severity.items()):
        if i:
            severity.append(", ")
        severity.append(f"{sev} {count}", style=SEVERITY_STYLE.get(sev, "") if count else "")
    stride = "  By STRIDE: " + ", ".join(
        f"{cat} {s.by_stride.get(cat, 0)}" for cat in STRIDE_CATEGORIES
    )
    lines = [Text("Summary", style="bold"), Text("  " + head), severity, Text(stride)]
    if s.notifications:
        levels = ", ".join(f"{k} {v}" for k, v in s.notifications_by_level.items())
        lines.append(Text(f"  Notifications: {s.notifications} ({levels})"))
    return lines


def render(
    result: ScanResult,
    color: bool = False,
    show_suppressed: bool = False,
    width: int = DEFAULT_WIDTH,
) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        force_jupyter=False,
        force_interactive=False,
        color_system="standard" if color else None,
        no_color=not color,
        width=width,
        height=25,
        soft_wrap=True,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )

    lines: list[Text] = []
    shown = [f for f in sorted_findings(result.findings) if show_suppressed or not f.suppressed]
    if not shown:
        lines.append(Text("No findings."))
    for path, group in groupby(shown, key=lambda f: f.location.path):
        lines.append(Text(printable(path) if path else NO_FILE, style="bold underline"))
        lines.extend(finding_line(finding) for finding in group)

    notifications = sorted_notifications(result.notifications)
    if notifications:
        lines.append(Text())
        lines.append(Text(f"Notifications ({len(notifications)})", style="bold"))
        lines.extend(notification_line(n) for n in notifications)

    lines.append(Text())
    lines.extend(summary_lines(result, show_suppressed))
    # One print call: rich's per-call overhead dominates on large scans.
    console.print(Text("\n").join(lines))
    return buffer.getvalue()
