"""``mlscan report``: the auditor report of a scan, or of several SARIF logs merged.

This module wires the scan pipeline (facts, policies, engine, findings) into the report
package, which itself only sees ``mlscan.models`` types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from mlscan.cli.options import config_option, policy_option
from mlscan.errors import FileReadError, MlscanError, UsageError
from mlscan.models import Control, Finding, ScanResult

REPORT_FORMATS = ("html", "markdown", "json", "threat-dragon")


@dataclass(frozen=True, kw_only=True)
class ReportScan:
    """A scan plus what only the report needs: the fact document, the files each
    collector read, and the Rego source of each control."""

    result: ScanResult
    facts: Mapping[str, Any]
    files_by_family: Mapping[str, tuple[str, ...]]
    control_sources: Mapping[str, str]
    snippets: Mapping[str, tuple[str | None, bool]]


def scan_for_report(
    paths: Sequence[str],
    config_path: str | None = None,
    policy_dirs: Sequence[str] = (),
    today: dt.date | None = None,
) -> ReportScan:
    """``mlscan.scan.run``, keeping the facts and the workspace's text cache."""
    from mlscan.report.snippets import snippet
    from mlscan.scan import ScanOptions, run_detailed

    scanned = run_detailed(
        ScanOptions(
            paths=tuple(paths) or (".",),
            config_path=config_path,
            policy_dirs=tuple(policy_dirs),
            today=today,
        )
    )
    result, fr, policies = scanned.result, scanned.facts, scanned.policies
    controls, findings = result.controls, result.findings
    sources = {
        c.id: f.text for c in controls for f in policies.files if f.package == c.package
    }
    return ReportScan(
        result=result,
        facts=fr.facts,
        files_by_family=fr.files_by_family,
        control_sources=sources,
        snippets=_snippets(findings, fr.workspace.read_text, snippet),
    )


def _snippets(
    findings: Sequence[Finding],
    read_text: Callable[[str], str],
    make: Callable[[str, int | None, Control], tuple[str | None, bool]],
) -> dict[str, tuple[str | None, bool]]:
    out: dict[str, tuple[str | None, bool]] = {}
    for f in findings:
        if not f.location.path or f.location.start_line is None:
            continue
        try:
            text = read_text(f.location.path)
        except (FileReadError, OSError, ValueError):
            continue
        out[f.fingerprint] = make(text, f.location.start_line, f.control)
    return out


def _today(timestamps: bool) -> str | None:
    return dt.datetime.now(dt.UTC).date().isoformat() if timestamps else None


def _write(text: str, output: str | None) -> None:
    if not output:
        click.echo(text, nl=not text.endswith("\n"))
        return
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MlscanError(f"cannot write --output {output}: {exc.strerror}") from exc


@click.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--sarif",
    "from_sarif",
    is_flag=True,
    help="PATHS are SARIF logs from earlier scans (e.g. of many repositories): merge them "
    "into one report instead of scanning.",
)
@click.option(
    "--format", "fmt", type=click.Choice(REPORT_FORMATS), default="html", show_default=True
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@config_option
@policy_option
@click.option("--title", default="", help="Report title.")
@click.option(
    "--timestamps",
    is_flag=True,
    help="Print today's date in the report (otherwise the output is byte-identical for "
    "the same input).",
)
def report_command(
    paths: tuple[str, ...],
    from_sarif: bool,
    fmt: str,
    output: str | None,
    config_path: str | None,
    policy_dirs: tuple[str, ...],
    title: str,
    timestamps: bool,
) -> None:
    """Write the auditor report: scope, threat model, risk ranking, data-flow diagram,
    control status and remediation plan (scans PATH, default: the current directory)."""
    from mlscan.report import render
    from mlscan.report.assemble import build_report, merged_report

    date = _today(timestamps)
    if from_sarif:
        if not paths:
            raise UsageError("--sarif needs one or more SARIF files: mlscan report --sarif a.sarif")
        if config_path or policy_dirs:
            raise UsageError("--config and --policy apply to scans, not to --sarif merges")
        from mlscan.report.sarif_merge import SarifError, merge

        logs: list[tuple[str, str]] = []
        for p in paths:
            try:
                logs.append((Path(p).name, Path(p).read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--sarif {p}: cannot be read ({exc})") from exc
        try:
            merged = merge(logs)
        except SarifError as exc:
            raise UsageError(f"--sarif {exc}") from exc
        report = merged_report(
            merged.findings,
            merged.controls,
            roots=merged.repositories,
            tool_versions=merged.tool_versions,
            policy_hashes=merged.policy_hashes,
            inputs=[Path(p).name for p in paths],
            duplicates_removed=merged.duplicates_removed,
            date=date,
            title=title,
        )
    else:
        scanned = scan_for_report(paths or (".",), config_path, policy_dirs)
        report = build_report(
            scanned.result,
            facts=scanned.facts,
            files_by_family=scanned.files_by_family,
            control_sources=scanned.control_sources,
            snippets=scanned.snippets,
            date=date,
            title=title,
        )
    _write(render(fmt, report), output)
