"""Run checkov in-process on the IaC files the workspace found.

checkov is imported lazily, only when there is something for it to scan, and only the
runners of the frameworks that have files are used. It runs offline: no platform API
key, no external Terraform module downloads, no SCA package scan, no image referencer,
and no forked workers (``CHECKOV_PARALLELIZATION_TYPE=none``), so a scan starts no
process and opens no socket.

Which checks run, and which mlscan control each one is evidence for, is policy data
(``rego/lib/checkov_map.rego``, extended from a ``--policy`` folder): the caller passes
the check ids, and the facts record checkov's raw results with no verdict.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

FRAMEWORKS = ("terraform", "cloudformation", "kubernetes", "dockerfile")

# Environment switches read by checkov at import time; set before the first import.
_OFFLINE_ENV = {
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    "CHECKOV_PARALLELIZATION_TYPE": "none",
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_VALIDATE_SECRETS": "false",
    "CHECKOV_CREATE_MARKDOWN_HYPERLINKS": "false",
}


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    check_id: str
    check_name: str
    framework: str
    resource: str
    path: str  # repo-relative POSIX
    start_line: int | None
    end_line: int | None
    result: str  # passed | failed | skipped


@dataclass(frozen=True, kw_only=True)
class CheckovRun:
    results: tuple[CheckResult, ...] = ()
    frameworks: tuple[str, ...] = ()
    parse_errors: tuple[str, ...] = ()  # repo-relative paths checkov could not parse
    # Parsed definitions, per framework: terraform -> {rel path: hcl dict},
    # cloudformation -> {rel path: template dict}. Line markers are checkov's.
    definitions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Where checkov took rendered Terraform values from: {rel path: {address: {attribute:
    # [{type (variable | tfvar | locals | resource | module ...), name, path}]}}}.
    breadcrumbs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    errors: tuple[str, ...] = ()  # a runner that failed as a whole
    # files checkov gave no result for because its worker hung, ran out of memory or
    # crashed on them: repo-relative path -> reason
    file_errors: Mapping[str, str] = field(default_factory=dict)


_RUNNER_MODULES = {
    "terraform": "checkov.terraform.runner",
    "cloudformation": "checkov.cloudformation.runner",
    "kubernetes": "checkov.kubernetes.runner",
    "dockerfile": "checkov.dockerfile.runner",
}


def _prepare_checkov() -> Any:
    """Set checkov's offline switches and return its RunnerFilter class (cheap import)."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    # checkov logs parse problems as warnings; mlscan reports them as notifications.
    logging.getLogger("checkov").setLevel(logging.ERROR)
    from checkov.runner_filter import RunnerFilter

    return RunnerFilter


def _runner_class(framework: str) -> Any:
    """Import one framework's runner (slow: seconds; only for frameworks with files)."""
    module = importlib.import_module(_RUNNER_MODULES[framework])
    return module.Runner


def _result_name(value: Any) -> str:
    name = str(getattr(value, "name", value)).lower()
    return name if name in ("passed", "failed", "skipped") else "failed"


def run_checkov(
    files_by_framework: Mapping[str, Sequence[tuple[str, str]]],
    *,
    checks: Callable[[], Sequence[str]],
    include_all: bool = False,
    tfvars: Mapping[str, Mapping[str, tuple[Any, str]]] | None = None,
    timeout: float = 120.0,
    max_memory: int = 1024 * 1024 * 1024,
) -> CheckovRun:
    """Run checkov on ``{framework: [(rel, abs), ...]}``; only frameworks with files.
    ``checks`` gives the check ids to run (asked only when checkov runs); with
    ``include_all`` every checkov check runs.

    ``tfvars`` holds the variable values mlscan read from ``terraform.tfvars`` and
    ``*.auto.tfvars`` (through its parse cache, with its limits), per absolute module
    directory: ``{dir: {name: (value, abs path of the file)}}``. checkov renders them into
    the module as Terraform would (it reads no file for them itself).

    Each framework runs in a forked worker bounded by ``timeout`` and ``max_memory``
    (``checkov_worker``); when it fails, each file is retried alone so that only the
    files checkov cannot handle are lost."""
    wanted = {
        fw: list(files) for fw, files in files_by_framework.items() if files and fw in FRAMEWORKS
    }
    if not wanted:
        return CheckovRun()
    runner_filter_class = _prepare_checkov()
    selected = None if include_all else sorted(set(checks()))
    if selected is not None and not selected:
        return CheckovRun()  # the policy maps no check (checkov would run them all)
    # checkov's graph solvers run on worker threads; finalise pending garbage here first so
    # that thread-bound objects (such as a policy engine from an earlier scan) are not
    # dropped on one of those threads.
    gc.collect()
    results: list[CheckResult] = []
    parse_errors: set[str] = set()
    errors: list[str] = []
    definitions: dict[str, dict[str, Any]] = {}
    breadcrumbs: dict[str, Any] = {}
    file_errors: dict[str, str] = {}

    def run_one(framework: str, files: list[tuple[str, str]]) -> _FrameworkRun:
        rel_of = {os.path.normpath(abs_path): rel for rel, abs_path in files}
        out = _FrameworkRun()
        runner_filter = runner_filter_class(
            framework=[framework],
            checks=selected,
            include_all_checkov_policies=True,
            download_external_modules=False,
            show_progress_bar=False,
            run_image_referencer=False,
            enable_secret_scan_all_files=False,
        )
        runner = _runner_class(framework)()
        if framework == "terraform" and tfvars:
            runner.graph_manager.parser.external_vars = {
                os.path.normpath(d): dict(v) for d, v in tfvars.items()
            }
        reports = runner.run(
            root_folder=None,
            files=sorted(abs_path for _, abs_path in files),
            runner_filter=runner_filter,
            collect_skip_comments=True,
        )
        for report in reports if isinstance(reports, list) else [reports]:
            for err in getattr(report, "parsing_errors", []) or []:
                rel = rel_of.get(os.path.normpath(str(err)))
                if rel is not None:
                    out.parse_errors.add(rel)
            for record in [*report.failed_checks, *report.passed_checks, *report.skipped_checks]:
                abs_path = os.path.normpath(str(record.file_abs_path or ""))
                rel = rel_of.get(abs_path)
                if rel is None:
                    continue
                line_range = record.file_line_range or [None, None]
                out.results.append(
                    CheckResult(
                        check_id=str(record.check_id),
                        check_name=str(record.check_name or ""),
                        framework=framework,
                        resource=_relative_resource(str(record.resource or ""), abs_path, rel),
                        path=rel,
                        start_line=line_range[0] if line_range[0] else None,
                        end_line=line_range[1] if len(line_range) > 1 and line_range[1] else None,
                        result=_result_name(record.check_result.get("result")),
                    )
                )
        out.definitions = _definitions(framework, runner, rel_of)
        if framework == "terraform":
            out.breadcrumbs = _breadcrumbs(runner, files, rel_of)
        return out

    for framework in sorted(wanted):
        _runner_class(framework)  # import before forking: paid once, shared by every worker
        for part, failure in _bounded_runs(framework, wanted[framework], run_one, timeout,
                                           max_memory, file_errors):
            if failure is not None:
                errors.append(f"checkov {framework} runner failed: {failure}")
                continue
            assert part is not None
            results.extend(part.results)
            parse_errors.update(part.parse_errors)
            definitions.setdefault(framework, {}).update(part.definitions)
            breadcrumbs.update(part.breadcrumbs)
    results.sort(key=lambda r: (r.path, r.start_line or 0, r.resource, r.check_id, r.result))
    unique: list[CheckResult] = []
    for r in results:
        if not unique or unique[-1] != r:
            unique.append(r)
    return CheckovRun(
        results=tuple(unique),
        frameworks=tuple(sorted(wanted)),
        parse_errors=tuple(sorted(parse_errors)),
        definitions=definitions,
        breadcrumbs=breadcrumbs,
        errors=tuple(errors),
        file_errors=file_errors,
    )


@dataclass
class _FrameworkRun:
    """What one checkov runner gave for a set of files (pickled back from its worker)."""

    results: list[CheckResult] = field(default_factory=list)
    parse_errors: set[str] = field(default_factory=set)
    definitions: dict[str, Any] = field(default_factory=dict)
    breadcrumbs: dict[str, Any] = field(default_factory=dict)


def _bounded_runs(
    framework: str,
    files: list[tuple[str, str]],
    run_one: Callable[[str, list[tuple[str, str]]], _FrameworkRun],
    timeout: float,
    max_memory: int,
    file_errors: dict[str, str],
) -> list[tuple[_FrameworkRun | None, str | None]]:
    """The framework's files in one bounded worker; when it fails, each file alone (within
    a second ``timeout`` for all of them), so one hostile file costs only itself."""
    from mlscan.collectors.iac.checkov_worker import run_bounded

    first = run_bounded(lambda: run_one(framework, files), timeout=timeout,
                        max_memory=max_memory)
    if first.failure is None:
        return [(first.value, None)]
    if len(files) == 1:
        file_errors[files[0][0]] = _reason(first.failure)
        return []
    out: list[tuple[_FrameworkRun | None, str | None]] = []
    deadline = time.monotonic() + timeout
    for rel, abs_path in files:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            file_errors[rel] = "checkov not run: its time budget was spent (limits.checkov_timeout)"
            continue
        alone = run_bounded(lambda rel=rel, abs_path=abs_path: run_one(  # type: ignore[misc]
            framework, [(rel, abs_path)]), timeout=remaining, max_memory=max_memory)
        if alone.failure is not None:
            file_errors[rel] = _reason(alone.failure)
        else:
            out.append((alone.value, None))
    return out


def _relative_resource(resource: str, abs_path: str, rel: str) -> str:
    """Dockerfile resources are named after the absolute file path; make them relative."""
    if resource.startswith(abs_path):
        return rel + resource[len(abs_path) :]
    return resource


def _definitions(framework: str, runner: Any, rel_of: Mapping[str, str]) -> dict[str, Any]:
    """checkov's parsed definitions keyed by repo-relative path."""
    raw = getattr(runner, "definitions", None) or {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        path = getattr(key, "file_path", key)
        rel = rel_of.get(os.path.normpath(str(path)))
        if rel is None:
            continue
        if framework == "terraform" and getattr(key, "tf_source_modules", None) is not None:
            continue  # module instances; the file itself is already there
        out[rel] = value
    return out


def _reason(failure: Any) -> str:
    hint = {"timeout": " (limits.checkov_timeout)", "memory": " (limits.checkov_max_memory)"}
    return f"checkov {failure.message}{hint.get(failure.kind, '')}"


def _breadcrumbs(
    runner: Any, files: Sequence[tuple[str, str]], rel_of: Mapping[str, str]
) -> dict[str, Any]:
    """checkov's breadcrumbs (keyed by a path relative to the common folder of the files)
    with repo-relative paths; origins outside the scanned files are dropped."""
    raw = getattr(runner, "breadcrumbs", None) or {}
    paths = [os.path.abspath(abs_path) for _, abs_path in files]
    # checkov keys breadcrumbs by this very string prefix, not by path components
    root = os.path.split(os.path.commonprefix(paths))[0]  # noqa: RUF071
    out: dict[str, Any] = {}
    for key, by_address in raw.items():
        rel = rel_of.get(os.path.normpath(os.path.join(root, str(key).lstrip("/\\"))))
        if rel is None or not isinstance(by_address, Mapping):
            continue
        file_out: dict[str, Any] = {}
        for address, attrs in by_address.items():
            if not isinstance(attrs, Mapping):
                continue
            attr_out: dict[str, list[dict[str, str]]] = {}
            for attr, crumbs in attrs.items():
                entries = []
                for c in crumbs if isinstance(crumbs, list) else []:
                    if not isinstance(c, Mapping):
                        continue
                    where = rel_of.get(os.path.normpath(str(c.get("path") or "")))
                    if where is None:
                        where = _tfvars_rel(str(c.get("path") or ""), rel_of)
                    entries.append(
                        {"type": str(c.get("type")), "name": str(c.get("name")), "path": where}
                    )
                attr_out[str(attr)] = entries
            file_out[str(address)] = attr_out
        out[rel] = file_out
    return out


def _tfvars_rel(abs_path: str, rel_of: Mapping[str, str]) -> str:
    """The repo-relative path of a tfvars file (not among checkov's files): its folder is
    the folder of a scanned file."""
    folder, name = os.path.split(os.path.normpath(abs_path))
    for known, rel in rel_of.items():
        if os.path.dirname(known) == folder:
            parent = rel.rsplit("/", 1)[0] if "/" in rel else ""
            return f"{parent}/{name}" if parent else name
    return name
