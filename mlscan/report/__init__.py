"""The auditor report (``mlscan report``): threat model, risk ranking, data-flow diagram,
control status and remediation plan, as HTML, Markdown, JSON or a Threat Dragon model.

Imports ``mlscan.models`` only; the command module (``mlscan.cli.report``) wires the scan
in.
"""

from __future__ import annotations

from collections.abc import Callable

from mlscan.report.model import Report

FORMATS: tuple[str, ...] = ("html", "markdown", "json", "threat-dragon")


def render(fmt: str, report: Report) -> str:
    """Render ``report`` in ``fmt`` (one of :data:`FORMATS`)."""
    renderer: Callable[[Report], str]
    if fmt == "html":
        from mlscan.report.render_html import render as renderer
    elif fmt == "markdown":
        from mlscan.report.render_markdown import render as renderer
    elif fmt == "json":
        from mlscan.report.render_json import render as renderer
    elif fmt == "threat-dragon":
        from mlscan.report.threat_dragon import render as renderer
    else:
        raise ValueError(f"unknown report format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return renderer(report)


__all__ = ["FORMATS", "Report", "render"]
