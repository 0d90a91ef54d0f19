"""GitHub Actions workflow-command reporter: one annotation per active finding.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=T::message``. Critical and
high map to ``error``, medium to ``warning``, low to ``notice``. Suppressed findings are
not emitted; notifications (files that could not be parsed...) are, at their level.
Paths are relative to the repository root, as GitHub expects: a scan root below the
top of its work tree contributes ``ScanResult.uri_prefix``.
"""

from __future__ import annotations

from mlscan.models import Finding, Notification, ScanResult, printable
from mlscan.reporters._common import (
    expired_note,
    sorted_findings,
    sorted_notifications,
)

COMMAND: dict[str, str] = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "notice",
}
NOTIFICATION_COMMAND: dict[str, str] = {"error": "error", "warning": "warning", "note": "notice"}


def _unicode_safe(value: str) -> str:
    # Unpaired surrogates (undecodable file names) cannot be written as UTF-8; control
    # characters other than CR/LF (ESC, BEL, NEL, CSI), bidi overrides and line separators
    # must never reach a terminal or a log raw. CR and LF are %-escaped by escape_data.
    return printable(value, keep="\r\n")


def escape_data(value: str) -> str:
    """Escape a command's message (GitHub: ``%``, ``\\r``, ``\\n``)."""
    return _unicode_safe(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (the data rules plus ``:`` and ``,``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: list[tuple[str, str | int | None]], message: str) -> str:
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties
        if value is not None and value != ""
    )
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{escape_data(message)}"


def _positive(value: int | None) -> int | None:
    return value if isinstance(value, int) and value >= 1 else None


def finding_command(finding: Finding, prefix: str = "") -> str:
    loc = finding.location
    # A registry finding's path is its logical location (models:/name/3), not a file.
    is_file = bool(loc.path) and loc.path != finding.logical_location
    props: list[tuple[str, str | int | None]] = [
        ("file", prefix + loc.path if is_file else None)
    ]
    line, end_line = _positive(loc.start_line), _positive(loc.end_line)
    if is_file and line is not None:
        props += [("line", line), ("col", _positive(loc.start_col))]
        if end_line is not None and end_line >= line:
            props += [("endLine", end_line), ("endColumn", _positive(loc.end_col))]
    props.append(("title", f"{finding.control.id}: {finding.control.title}"))
    message = finding.message
    if finding.logical_location and finding.logical_location not in message:
        message += f" [{finding.logical_location}]"
    note = expired_note(finding)
    if note:
        message += f" ({note})"
    return command(COMMAND.get(finding.severity, "warning"), props, message)


def notification_command(n: Notification, prefix: str = "") -> str:
    path = (prefix + n.path if n.path != "." else prefix.rstrip("/") or ".") if n.path else None
    props: list[tuple[str, str | int | None]] = [
        ("file", path),
        ("line", _positive(n.line) if n.path else None),
        ("title", f"mlscan {n.kind}" if n.kind else "mlscan"),
    ]
    return command(NOTIFICATION_COMMAND.get(n.level, "warning"), props, n.message)


def render(result: ScanResult) -> str:
    prefix = result.uri_prefix
    lines = [
        finding_command(f, prefix) for f in sorted_findings(result.findings) if not f.suppressed
    ]
    lines += [
        notification_command(n, prefix) for n in sorted_notifications(result.notifications)
    ]
    return "".join(line + "\n" for line in lines)
