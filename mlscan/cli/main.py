"""Command-line interface. Thin: options -> ScanOptions -> scan.run() -> reporter ->
exit code. The only module that prints. Exit codes: 0 nothing at or above --fail-on,
1 something is, 2 usage / configuration / policy / engine errors."""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from mlscan import __version__
from mlscan.cli.options import config_option, policy_option
from mlscan.cli.policy import policy_bundle_command, policy_test_command
from mlscan.cli.report import report_command
from mlscan.cli.verify import verify_command
from mlscan.errors import MlscanError, UsageError
from mlscan.models import ScanResult, printable, severity_at_least

FORMATS = ("text", "json", "sarif", "github")
FAIL_ON = ("critical", "high", "medium", "low", "never")


def _write(text: str, output: str | None) -> None:
    if output:
        path = Path(output)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise MlscanError(f"cannot write --output {output}: {exc.strerror}") from exc
    else:
        click.echo(text, nl=not text.endswith("\n"))


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(message, err=True)


def _should_fail(result: ScanResult, fail_on: str) -> bool:
    return any(
        severity_at_least(f.severity, fail_on)
        and not f.suppressed
        and f.baseline_state != "unchanged"
        for f in result.findings
    )


def _render(fmt: str, result: ScanResult, *, color: bool, show_suppressed: bool) -> str:
    if fmt == "text":
        from mlscan.reporters import text

        return str(text.render(result, color=color, show_suppressed=show_suppressed))
    from mlscan.reporters import render

    return str(render(fmt, result))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mlscan", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """mlscan: policy-as-code security scanner for machine-learning projects."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if debug:
        os.environ["MLSCAN_DEBUG"] = "1"


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default=None,
    help="Lowest severity that makes the exit code 1 (default: config or medium).",
)
@config_option
@policy_option
@click.option(
    "--opa-url",
    default=None,
    help="Evaluate on this OPA server (bearer token from MLSCAN_OPA_TOKEN).",
)
@click.option(
    "--opa-use-server-policies",
    is_flag=True,
    help="With --opa-url: the server already runs the mlscan bundle; query only.",
)
@click.option(
    "--mlflow-uri",
    default=None,
    help="Also scan this live MLflow registry over its REST API (credentials from "
    "MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD).",
)
@click.option(
    "--mlflow-timeout",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds to wait for the MLflow server to send anything (per read).",
)
@click.option(
    "--mlflow-deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds for one whole request to the MLflow server, body included "
    "(default: limits.mlflow_request_deadline, 60).",
)
@click.option(
    "--mlflow-download-artifacts",
    is_flag=True,
    help="With --mlflow-uri: download every file of each model version (bounded by "
    "limits.max_file_size and limits.max_registry_download) to analyse the weights and "
    "verify signatures against the configured signing trust. Nothing is loaded.",
)
@click.option(
    "--digest-cache",
    type=click.Path(dir_okay=False),
    envvar="MLSCAN_DIGEST_CACHE",
    default=None,
    help="Reuse file digests across scans from this SQLite file (outside the scanned "
    "tree); entries are keyed by path, inode, size, mtime and ctime. Env: MLSCAN_DIGEST_CACHE.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False),
    help="Previous SARIF; only new findings count toward --fail-on.",
)
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings in text output.")
@click.option("--profile", is_flag=True, help="Print per-phase timings to stderr.")
@click.option("--debug", is_flag=True, hidden=True)
@click.pass_context
def scan(
    ctx: click.Context,
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    fail_on: str | None,
    config_path: str | None,
    policy_dirs: tuple[str, ...],
    opa_url: str | None,
    opa_use_server_policies: bool,
    mlflow_uri: str | None,
    mlflow_timeout: float,
    mlflow_deadline: float | None,
    mlflow_download_artifacts: bool,
    digest_cache: str | None,
    baseline: str | None,
    show_suppressed: bool,
    profile: bool,
    debug: bool,
) -> None:
    """Scan PATH (default: the current directory) and report findings."""
    from mlscan.collectors.base import CollectOptions
    from mlscan.scan import ScanOptions, run

    if opa_use_server_policies and not opa_url:
        raise UsageError("--opa-use-server-policies needs --opa-url URL")
    if mlflow_download_artifacts and not mlflow_uri:
        raise UsageError("--mlflow-download-artifacts needs --mlflow-uri URL")
    if debug:
        ctx.obj["debug"] = True
        os.environ["MLSCAN_DEBUG"] = "1"
    _progress("mlscan: scanning ...")
    options = ScanOptions(
        paths=paths or (".",),
        config_path=config_path,
        policy_dirs=policy_dirs,
        opa_url=opa_url,
        baseline=baseline,
        opa_use_server_policies=opa_use_server_policies,
        collect=CollectOptions(
            mlflow_uri=mlflow_uri,
            mlflow_timeout=mlflow_timeout,
            mlflow_deadline=mlflow_deadline,
            mlflow_download_artifacts=mlflow_download_artifacts,
            digest_cache=digest_cache,
        ),
    )
    result = run(options)
    color = (
        fmt == "text" and output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    started = time.perf_counter()
    _write(_render(fmt, result, color=color, show_suppressed=show_suppressed), output)
    rendered = time.perf_counter() - started
    if profile:
        phases = {**result.timings, f"reporter:{fmt}": rendered}
        for phase, seconds in phases.items():
            click.echo(f"profile: {phase:<28} {seconds * 1000:9.1f} ms", err=True)
    threshold = fail_on or _config_fail_on(config_path, paths)
    ctx.exit(1 if _should_fail(result, threshold) else 0)


def _config_fail_on(config_path: str | None, paths: Sequence[str]) -> str:
    from mlscan.config import load_config
    from mlscan.scan import resolve_root

    root, _ = resolve_root(paths or (".",))
    return load_config(Path(config_path) if config_path else None, root=root).fail_on


@cli.command()
@click.argument("path", type=click.Path(), default=".")
@config_option
@policy_option
@click.option(
    "--full",
    is_flag=True,
    help="Also print the detail fields controls do not read (dataset columns, signed files).",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False))
def facts(
    path: str,
    config_path: str | None,
    policy_dirs: tuple[str, ...],
    full: bool,
    output: str | None,
) -> None:
    """Print the fact document that policies evaluate, as JSON."""
    from mlscan.fact_view import engine_view
    from mlscan.scan import collect_facts

    fr = collect_facts((path,), config_path, policy_dirs=policy_dirs)
    doc = dict(fr.facts) if full else engine_view(fr.facts)
    doc["notifications"] = [
        {"path": n.path, "line": n.line, "level": n.level, "kind": n.kind, "message": n.message}
        for n in fr.notifications
    ]
    _write(json.dumps(doc, indent=2, sort_keys=True) + "\n", output)


@cli.group()
def policy() -> None:
    """Work with the Rego control catalogue."""


@policy.command("list")
@click.option("--policy", "policy_dirs", multiple=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text")
def policy_list(policy_dirs: tuple[str, ...], fmt: str) -> None:
    """List every control with its severity, STRIDE categories and source."""
    from mlscan.controls import load_policy_set

    controls = load_policy_set(policy_dirs).controls
    if fmt == "json":
        rows: list[dict[str, Any]] = [
            {
                "id": c.id,
                "title": c.title,
                "severity": c.severity,
                "stride": list(c.stride),
                "linddun": list(c.linddun),
                "atlas": list(c.atlas),
                "owasp_ml": list(c.owasp_ml),
                "cwe": list(c.cwe),
                "source": c.source,
                "builtin": c.builtin,
            }
            for c in controls
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for c in controls:
        stride = ",".join(c.stride) or "-"
        click.echo(f"{c.id:<13} {c.severity:<8} {stride:<50} {c.title}  [{c.source}]")


@policy.command("docs")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write here (default: stdout).",
)
@click.option(
    "--check", is_flag=True, help="Exit 1 when --output differs from what would be written."
)
def policy_docs(output: str | None, check: bool) -> None:
    """Generate docs/controls.md from the controls' METADATA."""
    from mlscan.controls import load_policy_set
    from mlscan.policy.docs import render_controls_markdown

    text = render_controls_markdown(load_policy_set().controls)
    if check:
        if not output:
            raise MlscanError("--check needs --output FILE to compare with")
        current = Path(output).read_text(encoding="utf-8") if Path(output).exists() else ""
        if current != text:
            click.echo(f"{output} is stale; run: mlscan policy docs --output {output}", err=True)
            sys.exit(1)
        return
    _write(text, output)


cli.add_command(verify_command)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        code = cli.main(args=argv, prog_name="mlscan", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("mlscan: aborted", err=True)
        sys.exit(2)
    except MlscanError as exc:
        if debug:
            traceback.print_exc()
        # messages carry file names and server answers: never raw control characters
        click.echo(f"mlscan: error: {printable(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        click.echo(
            f"mlscan: internal error: {type(exc).__name__}: {printable(str(exc))} (rerun with "
            "--debug for a traceback, and please report it)",
            err=True,
        )
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


policy.add_command(policy_test_command, "test")
policy.add_command(policy_bundle_command, "bundle")
cli.add_command(report_command, "report")

# Workflow commands (mlscan/cli/workflow.py).
from mlscan.cli.workflow import init_command  # noqa: E402

cli.add_command(init_command)
