"""Shared helpers for the security tests: a known-good finding to plant beside hostile
files, every output format that exists, and scans through the real pipeline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, collect_facts, run

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# A Dockerfile that always yields MLS-MLF-001 at line 2: the "real finding elsewhere"
# that a hostile file in the same tree must not hide.
SENTINEL_DOCKERFILE = 'FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
SENTINEL = ("MLS-MLF-001", "Dockerfile", 2)


def plant_sentinel(root: Path, rel: str = "Dockerfile") -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(SENTINEL_DOCKERFILE, encoding="utf-8")


def findings(result: ScanResult) -> list[tuple[str, str, int | None]]:
    return [(f.control.id, f.location.path, f.location.start_line) for f in result.findings]


def scan(root: Path, config: Path | None = None) -> ScanResult:
    return run(ScanOptions(paths=(str(root),), config_path=str(config) if config else None))


def example_dirs() -> list[Path]:
    """Every example variant (examples/<scenario>/<variant>/)."""
    return sorted(
        p
        for scenario in EXAMPLES.iterdir()
        if scenario.is_dir()
        for p in scenario.iterdir()
        if p.is_dir() and p.name in ("insecure", "hardened")
    )


def scan_formats() -> tuple[str, ...]:
    from mlscan.reporters import FORMATS

    return tuple(FORMATS)


def report_formats() -> tuple[str, ...]:
    """The auditor report's formats, once ``mlscan report`` exists (read off its options)."""
    from mlscan.cli.main import cli

    report = cli.commands.get("report")  # type: ignore[attr-defined]
    if report is None:
        return ()
    for param in report.params:
        if param.name in ("fmt", "format") and hasattr(param.type, "choices"):
            return tuple(sorted(param.type.choices))
    return ()


def render_all(root: Path, tmp: Path, config: Path | None = None) -> dict[str, str]:
    """Every output mlscan can produce for ``root``: scan formats, facts, reports."""
    from mlscan.reporters import render

    result = scan(root, config)
    out = {fmt: render(fmt, result) for fmt in scan_formats()}
    fr = collect_facts((str(root),), str(config) if config else None)
    out["facts"] = json.dumps(fr.facts, sort_keys=True) + json.dumps(
        [n.message for n in fr.notifications]
    )
    tmp.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    from mlscan.cli.main import cli

    for fmt in report_formats():
        dest = tmp / f"report-{fmt}.out"
        args = ["report", str(root), "--format", fmt, "--output", str(dest)]
        if config is not None:
            args[2:2] = ["--config", str(config)]
        res = runner.invoke(cli, args, catch_exceptions=False)
        assert res.exit_code in (0, 1), res.output
        if dest.is_dir():
            out[f"report-{fmt}"] = "\n".join(
                p.read_text(encoding="utf-8", errors="replace")
                for p in sorted(dest.rglob("*"))
                if p.is_file()
            )
        else:
            out[f"report-{fmt}"] = dest.read_text(encoding="utf-8", errors="replace")
    return out


DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def sarif_results(text: str) -> list[dict[str, Any]]:
    doc = json.loads(text)
    return list(doc["runs"][0]["results"])
