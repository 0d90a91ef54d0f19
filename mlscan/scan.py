"""The scan pipeline, one direction: workspace -> collectors -> facts -> engine ->
violations -> findings. Returns a ``ScanResult``; never prints."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from mlscan import __version__
from mlscan.collectors.base import CollectContext, CollectOptions, Collector, CollectorOutput
from mlscan.collectors.link import run_links
from mlscan.config import Config, Limits, ceil_untrusted, load_config
from mlscan.controls import PolicySet, load_policy_set
from mlscan.engine.base import Engine
from mlscan.engine.budget import Budget
from mlscan.engine.embedded import EmbeddedEngine
from mlscan.errors import MlscanError, PolicyError, UsageError, WorkspaceError
from mlscan.fact_view import engine_view
from mlscan.findings import ShapingRules, shape, to_violations
from mlscan.hashing import DigestService
from mlscan.models import Notification, ScanResult
from mlscan.parse_cache import ParseCache
from mlscan.suppressions import parse_suppressions
from mlscan.workspace import Workspace, WorkspaceOptions

SCHEMA_VERSION = "1"


@dataclass(frozen=True, kw_only=True)
class ScanOptions:
    paths: tuple[str, ...] = (".",)
    config_path: str | None = None
    policy_dirs: tuple[str, ...] = ()
    opa_url: str | None = None
    baseline: str | None = None
    today: dt.date | None = None
    collectors: tuple[Collector, ...] | None = None
    opa_use_server_policies: bool = False  # with opa_url: evaluate the server's policies
    collect: CollectOptions = field(default_factory=CollectOptions)


class ScanPolicies:
    """The scan's policy set (built-in, --policy folders, the configuration's
    ``policies``), loaded and compiled at most once per scan: by the collectors when they
    need policy data first (the checkov checks to run), else by the engine stage."""

    def __init__(self, dirs: Sequence[str], budget: Budget | None = None) -> None:
        self.dirs = tuple(dirs)
        self.budget = budget  # every evaluation, policy data included, runs under it
        self._set: PolicySet | None = None
        self._embedded: EmbeddedEngine | None = None

    def policy_set(self) -> PolicySet:
        if self._set is None:
            self._set = load_policy_set(self.dirs)
        return self._set

    def embedded(self) -> EmbeddedEngine:
        if self._embedded is None:
            self._embedded = EmbeddedEngine(self.policy_set(), budget=self.budget)
        return self._embedded

    def checkov_checks(self) -> tuple[str, ...]:
        """The checkov check ids the policy maps (``data.mlscan.lib.checkov_map.run_checks``)."""
        value = self.embedded().data("mlscan.lib.checkov_map.run_checks")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyError(
                "rego/lib/checkov_map.rego",
                "data.mlscan.lib.checkov_map.run_checks must be a list of checkov check ids",
            )
        return tuple(value)


@dataclass(frozen=True, kw_only=True)
class FactsResult:
    root: Path
    config: Config
    facts: dict[str, Any]
    notifications: tuple[Notification, ...]
    workspace: Workspace
    files_by_family: Mapping[str, tuple[str, ...]]
    timings: Mapping[str, float]
    policies: ScanPolicies


def resolve_root(paths: Sequence[str]) -> tuple[Path, tuple[str, ...] | None]:
    """One directory: that is the root. Several paths or files: the current directory
    is the root and discovery is restricted to them (pre-commit passes file names)."""
    if not paths:
        paths = (".",)
    if len(paths) == 1 and Path(paths[0]).is_dir():
        return Path(paths[0]), None
    root = Path.cwd().resolve()
    only: list[str] = []
    for p in paths:
        real = Path(p).resolve()
        if not real.exists():
            raise WorkspaceError(f"scan path {p} does not exist")
        if real != root and root not in real.parents:
            raise UsageError(
                f"{p} is outside the current directory; run mlscan from the project root "
                "or pass one directory"
            )
        only.append(real.relative_to(root).as_posix() if real != root else "")
    if "" in only:
        return root, None
    return root, tuple(sorted(set(only)))


def registered_collectors() -> tuple[Collector, ...]:
    from mlscan.collectors.registry import COLLECTORS

    return COLLECTORS


def collect_facts(
    paths: Sequence[str] = (".",),
    config_path: str | None = None,
    collectors: Iterable[Collector] | None = None,
    network: bool = False,
    options: CollectOptions | None = None,
    policy_dirs: Sequence[str] = (),
) -> FactsResult:
    """Run the collectors. ``policy_dirs`` (with the configuration's ``policies``) is the
    policy whose data some collectors need, such as the checkov checks it maps."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    root, only = resolve_root(paths)
    config = load_config(Path(config_path) if config_path else None, root=root)
    if config_path is None:  # found in the scanned tree: may lower server limits, not raise
        config = dataclasses.replace(config, limits=ceil_untrusted(config.limits))
    if only is not None:
        from mlscan.precommit import expand_paths

        only = expand_paths(root, only, config)
    ws_opts = WorkspaceOptions(
        max_file_size=config.limits.max_file_size,
        max_files=config.limits.max_files,
        exclude=config.exclude,
        only=only,
    )
    ws = Workspace.discover(root, ws_opts)
    timings["discovery"] = time.perf_counter() - t0
    options = options or CollectOptions()
    policies = ScanPolicies(
        all_policy_dirs(root, config, policy_dirs),
        budget=policy_budget(config.limits, policy_dirs, config, root),
    )
    disk = None
    if options.digest_cache:
        from mlscan.digest_cache import open_cache

        disk = open_cache(options.digest_cache, root)
    ctx = CollectContext(
        config=config,
        digests=DigestService(ws, cache=disk),
        network=network,
        options=options,
        parsed=ParseCache(ws, config.limits),
        checkov_checks=cache(policies.checkov_checks),
    )
    try:
        facts, notes, files_by_family = _run_collectors(
            ws, ctx, collectors if collectors is not None else registered_collectors(), timings
        )
    finally:
        if disk is not None:
            disk.close()
    notes.extend(ws.notifications)
    notes.extend(ctx.parsed.notifications)
    return FactsResult(
        root=root,
        config=config,
        facts=facts,
        notifications=sort_notifications(notes),
        workspace=ws,
        files_by_family=files_by_family,
        timings=timings,
        policies=policies,
    )


def _run_collectors(
    ws: Workspace, ctx: CollectContext, collectors: Iterable[Collector], timings: dict[str, float]
) -> tuple[dict[str, Any], list[Notification], dict[str, tuple[str, ...]]]:
    facts: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    notes: list[Notification] = []
    files_by_family: dict[str, tuple[str, ...]] = {}
    for collector in collectors:
        t = time.perf_counter()
        option = getattr(collector, "option", None)
        if option and not getattr(ctx.options, option, None):
            continue  # an opt-in collector (e.g. the live registry) that was not asked for
        if not collector.applies(ws):
            continue
        try:
            out = collector.collect(ws, ctx)
        except MlscanError:
            raise  # the user asked for something that cannot work (e.g. unreachable server)
        except Exception as exc:  # a collector bug must not cost the other findings
            if os.environ.get("MLSCAN_DEBUG"):
                raise
            out = CollectorOutput(
                facts={},
                notifications=(
                    Notification(
                        path=".",
                        message=f"collector '{collector.family}' failed: {type(exc).__name__}: "
                        f"{exc}; other collectors still ran (use --debug for a traceback)",
                        level="error",
                        kind="collector-error",
                        source=collector.family,
                    ),
                ),
            )
        facts[collector.family] = out.facts
        notes.extend(out.notifications)
        files_by_family[collector.family] = tuple(sorted(set(out.files)))
        for family, more in out.families.items():
            facts[family] = more
            files_by_family[family] = tuple(sorted(set(out.family_files.get(family, ()))))
        timings[f"collector:{collector.family}"] = time.perf_counter() - t
    t = time.perf_counter()
    notes.extend(run_links(facts))
    timings["link"] = time.perf_counter() - t
    return facts, notes, files_by_family


def all_policy_dirs(root: Path, config: Config, policy_dirs: Sequence[str]) -> list[str]:
    """The --policy folders, then the configuration's ``policies`` (relative to the root)."""
    dirs = list(policy_dirs)
    for d in config.policies:
        p = Path(d)
        dirs.append(str(p if p.is_absolute() else root / p))
    return dirs


def sort_notifications(notes: Iterable[Notification]) -> tuple[Notification, ...]:
    """Deduplicated and in a total order (a missing line sorts first)."""
    return tuple(
        sorted(
            set(notes),
            key=lambda n: (n.path, n.line or 0, n.kind, n.level, n.source, n.message),
        )
    )


def facts_summary(facts: Mapping[str, Any]) -> dict[str, int]:
    summary: dict[str, int] = {}
    for family, value in facts.items():
        if isinstance(value, Mapping):
            for kind, items in value.items():
                if isinstance(items, list):
                    summary[f"{family}.{kind}"] = len(items)
    return dict(sorted(summary.items()))


def load_baseline(path: str) -> frozenset[str]:
    """Fingerprints of the results of a previous SARIF log."""
    return frozenset(load_baseline_results(path))


def load_baseline_results(path: str) -> dict[str, Mapping[str, Any]]:
    """The results of a previous SARIF log by fingerprint. Results that log already
    marked ``absent`` are gone and are not carried forward."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        found: dict[str, Mapping[str, Any]] = {}
        runs = data.get("runs")
        if not isinstance(runs, list):
            raise TypeError("'runs' is not a list")
        for run in runs:
            results = run.get("results", [])
            if not isinstance(results, list):
                raise TypeError("a run's 'results' is not a list")
            for result in results:
                fp = (result.get("partialFingerprints") or {}).get("mlscan/v1")
                if isinstance(fp, str) and result.get("baselineState") != "absent":
                    found.setdefault(fp, result)
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        raise UsageError(f"--baseline {path}: not a readable SARIF file ({exc})") from exc
    return found


def repo_prefix(root: Path) -> str:
    """The scan root's path inside its git work tree ("sub/dir/"), "" at the top or
    outside git. Code scanning resolves result paths against the repository root."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-prefix"],
            capture_output=True,
            timeout=60,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if proc.returncode != 0:
        return ""
    prefix = proc.stdout.decode("utf-8", "surrogateescape").strip()
    return prefix if not prefix or prefix.endswith("/") else prefix + "/"


def make_engine(
    policies: PolicySet,
    opa_url: str | None = None,
    use_server_policies: bool = False,
    limits: Limits | None = None,
    policy_budget: Budget | None = None,
) -> Engine:
    lim = limits or Limits()
    if opa_url:
        from mlscan.engine.opa_server import DEFAULT_MAX_DEPTH, OpaServerEngine

        engine: Engine = OpaServerEngine(
            policies,
            opa_url,
            use_server_policies=use_server_policies,
            token=os.environ.get("MLSCAN_OPA_TOKEN"),
            deadline=lim.opa_request_deadline,
            max_response=lim.opa_max_response,
            # the answer is walked recursively after the check: stay far from the stack's end
            max_depth=min(lim.max_nesting_depth, DEFAULT_MAX_DEPTH),
        )
        return engine
    from mlscan.engine.embedded import EmbeddedEngine

    return EmbeddedEngine(policies, budget=policy_budget)


def policy_budget(limits: Limits, cli_dirs: Sequence[str], config: Config, root: Path) -> Budget:
    """The time and memory budget of the evaluation, naming the policy folders it covers
    (the ones a configuration added are marked: from the scanned tree, untrusted)."""
    names = ["built-in"] + [str(d) for d in cli_dirs]
    for d in config.policies:
        p = Path(d) if Path(d).is_absolute() else root / d
        names.append(f"{p.as_posix()} (policies: in {config.path})")
    return Budget(
        seconds=float(limits.policy_timeout),
        memory=int(limits.policy_memory),
        policies=", ".join(names),
    )


@dataclass(frozen=True, kw_only=True)
class ScanRun:
    """A scan's result together with what produced it (the auditor report needs both)."""

    result: ScanResult
    facts: FactsResult
    policies: PolicySet


def run(options: ScanOptions) -> ScanResult:
    return run_detailed(options).result


def run_detailed(options: ScanOptions) -> ScanRun:
    fr = collect_facts(
        options.paths,
        options.config_path,
        collectors=options.collectors,
        network=bool(options.collect.mlflow_uri),
        options=options.collect,
        policy_dirs=options.policy_dirs,
    )
    config = fr.config
    timings = dict(fr.timings)
    t = time.perf_counter()
    policies = fr.policies.policy_set()
    engine = (
        make_engine(
            policies,
            options.opa_url,
            options.opa_use_server_policies,
            limits=config.limits,
        )
        if options.opa_url
        else fr.policies.embedded()
    )
    raw = engine.evaluate(engine_view(fr.facts))
    timings["engine"] = time.perf_counter() - t
    t = time.perf_counter()
    inline, sup_notes = parse_suppressions(fr.workspace.texts_read)
    baseline = load_baseline_results(options.baseline) if options.baseline else None
    rules = ShapingRules(
        disable=frozenset(config.disable),
        severity=config.severity,
        ignore=tuple(
            {"control": r.control, "path": r.path, "reason": r.reason, "expires": r.expires}
            for r in config.ignore
        ),
        assets=tuple({"name": a.name, "match": a.match, "impact": a.impact} for a in config.assets),
        inline=inline,
        baseline=frozenset(baseline) if baseline is not None else None,
        today=options.today,
    )
    findings = shape(to_violations(raw, policies), policies, rules)
    current = {f.fingerprint for f in findings}
    previous = baseline or {}
    absent = tuple(previous[fp] for fp in sorted(previous) if fp not in current)
    timings["findings"] = time.perf_counter() - t
    controls = tuple(c for c in policies.controls if c.id not in config.disable)
    result = ScanResult(
        root=fr.root.resolve().as_posix(),
        findings=findings,
        notifications=sort_notifications([*fr.notifications, *sup_notes]),
        controls=controls,
        facts_summary=facts_summary(fr.facts),
        tool_version=__version__,
        policy_hash=policies.policy_hash(),
        automation_id=f"mlscan/{fr.root.resolve().name}/",
        timings=timings,
        uri_prefix=repo_prefix(fr.root.resolve()),
        baseline_absent=absent,
    )
    return ScanRun(result=result, facts=fr, policies=policies)
