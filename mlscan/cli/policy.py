"""``mlscan policy test`` and ``mlscan policy bundle`` (registered on the ``policy`` group
in mlscan/cli/main.py). Printing and exit codes only; the logic is in mlscan.policy.testing and
mlscan.policy.bundle. Load errors are PolicyError, which the CLI turns into exit code 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlscan.errors import MlscanError

if TYPE_CHECKING:
    from mlscan.policy.testing import PolicyTestReport


def _render_text(
    report: PolicyTestReport, strict: bool, show_coverage: bool
) -> tuple[list[str], list[str]]:
    from mlscan.policy.testing import line_ranges

    out: list[str] = []
    err: list[str] = []
    for t in report.tests:
        if t.passed:
            out.append(f"PASS {t.rule}")
        else:
            reason = t.error or "undefined (an assertion in the body is false)"
            out.append(f"FAIL {t.rule}  ({t.file}:{t.line}: {reason})")
    if show_coverage and report.coverage:
        out.append("")
        out.append("Coverage of non-test policy files:")
        for c in report.coverage:
            if not c.evaluated:
                out.append(f"     -   {c.file}  (not evaluated by any test)")
                continue
            total = len(c.covered) + len(c.not_covered)
            line = f"  {c.percent:5.1f}%  {c.file}  ({len(c.covered)}/{total} lines)"
            if c.not_covered:
                line += f"; not covered: {line_ranges(c.not_covered)}"
            out.append(line)
    problems = [(ctl, p) for ctl in report.controls for p in ctl.problems]
    for ctl, p in problems:
        (out if strict else err).append(f"CONVENTION {ctl.control_id} ({ctl.source}): {p}")
    failed = len(report.failed)
    summary = f"{len(report.tests)} tests, {len(report.tests) - failed} passed, {failed} failed"
    if report.controls:
        summary += f"; {len(report.controls)} controls, {len(problems)} convention problems"
    if not report.tests:
        summary = "no test_* rules found"
    out.append("")
    out.append(summary)
    return out, err


@click.command("test")
@click.argument("dirs", nargs=-1, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True
)
@click.option("--run", "pattern", default=None, help="Only tests whose rule matches this regex.")
@click.option("--no-builtin", is_flag=True, help="Leave out the built-in policies (rego/).")
@click.option(
    "--coverage/--no-coverage",
    default=True,
    show_default=True,
    help="Report line coverage of the non-test policy files.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 1) when a control lacks a test that fires or one that stays silent.",
)
@click.pass_context
def policy_test_command(
    ctx: click.Context,
    dirs: tuple[str, ...],
    fmt: str,
    pattern: str | None,
    no_builtin: bool,
    coverage: bool,
    strict: bool,
) -> None:
    """Run the test_* rules of the built-in policies and of DIR... (embedded engine).

    Exit 0 when every test passes, 1 when one fails, 2 when a policy cannot be loaded.
    """
    import re

    from mlscan.policy.testing import run_policy_tests

    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise MlscanError(
                f"--run {pattern!r} is not a valid regular expression: {exc}"
            ) from exc
    report = run_policy_tests(
        dirs, include_builtin=not no_builtin, coverage=coverage, pattern=pattern
    )
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        out, err = _render_text(report, strict, coverage)
        for line in out:
            click.echo(line)
        for line in err:
            click.echo(f"warning: {line}", err=True)
    ok = report.passed and (report.convention_ok or not strict)
    ctx.exit(0 if ok else 1)


@click.command("bundle")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default="bundle.tar.gz",
    show_default=True,
    help="Where to write the bundle.",
)
@click.option(
    "--policy",
    "policy_dirs",
    multiple=True,
    type=click.Path(),
    help="Extra Rego policy folder to include (repeatable).",
)
@click.option(
    "--revision",
    default=None,
    help="Bundle revision (default: mlscan-<version>-<policy hash>).",
)
@click.option("--no-builtin", is_flag=True, help="Leave out the built-in policies (rego/).")
def policy_bundle_command(
    output: str, policy_dirs: tuple[str, ...], revision: str | None, no_builtin: bool
) -> None:
    """Write the controls as a standard OPA bundle (.tar.gz) for a central OPA server."""
    from mlscan.policy.bundle import build_bundle

    bundle = build_bundle(policy_dirs, revision=revision, include_builtin=not no_builtin)
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bundle.data)
    except OSError as exc:
        raise MlscanError(f"cannot write --output {output}: {exc.strerror}") from exc
    rego = sum(1 for m in bundle.members if m.endswith(".rego"))
    click.echo(
        f"wrote {output}: revision {bundle.revision}, roots {', '.join(bundle.roots)}, "
        f"{rego} policy files",
        err=True,
    )
