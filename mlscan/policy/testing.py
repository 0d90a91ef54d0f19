"""``mlscan policy test``: run the ``test_*`` rules of the built-in and user policies with
the embedded engine, measure line coverage, and check the test convention for controls.

Convention (see CONTRIBUTING.md, "Controls"): every control package has at least one
passing test during which its ``deny`` produced a finding ("fires") and at least one passing
test during which ``deny`` was evaluated and produced nothing ("silent"). Whether a test
fired is *observed*, not guessed: coverage is recorded per test, and a ``deny`` rule fired
when the lines of its head value (``deny contains v``) were covered, which only happens once
the body succeeded. When a rule's head shares its line with its body (a one-line rule) the
observation is ambiguous; then the test's name decides (``test_fires*`` / ``test_silent*``).
A test whose name promises one behaviour but is observed doing the other is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscan.controls import CONTROL_PREFIX, PolicyFile, PolicySet, load_policy_set
from mlscan.engine.testing import UNDEFINED, PolicyTestEngine
from mlscan.errors import EngineError

FIRES_PREFIX = "test_fires"
SILENT_PREFIX = "test_silent"


@dataclass(frozen=True, kw_only=True)
class TestResult:
    """One ``test_*`` rule and what happened when it ran."""

    package: str
    name: str
    file: str
    line: int
    passed: bool
    error: str = ""
    fired: bool | None = None  # deny produced a finding; None: not observable
    evaluated_deny: bool = False  # some line of the package's deny rules ran

    @property
    def rule(self) -> str:
        return f"data.{self.package}.{self.name}"


@dataclass(frozen=True, kw_only=True)
class FileCoverage:
    """Line coverage of one non-test policy file over the whole test run."""

    file: str
    covered: tuple[int, ...]
    not_covered: tuple[int, ...]

    @property
    def evaluated(self) -> bool:
        """False when no test evaluated any rule of the file."""
        return bool(self.covered)

    @property
    def percent(self) -> float:
        total = len(self.covered) + len(self.not_covered)
        return 0.0 if total == 0 else 100.0 * len(self.covered) / total


@dataclass(frozen=True, kw_only=True)
class ControlCheck:
    """The fires / silent convention for one control package."""

    package: str
    control_id: str
    source: str
    fires: tuple[str, ...]
    silent: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, kw_only=True)
class PolicyTestReport:
    tests: tuple[TestResult, ...]
    coverage: tuple[FileCoverage, ...]
    controls: tuple[ControlCheck, ...]
    policy_hash: str

    @property
    def failed(self) -> tuple[TestResult, ...]:
        return tuple(t for t in self.tests if not t.passed)

    @property
    def passed(self) -> bool:
        return not self.failed

    @property
    def convention_ok(self) -> bool:
        return all(c.ok for c in self.controls)

    def to_json(self) -> dict[str, Any]:
        return {
            "policy_hash": self.policy_hash,
            "summary": {
                "tests": len(self.tests),
                "passed": len(self.tests) - len(self.failed),
                "failed": len(self.failed),
                "controls": len(self.controls),
                "convention_problems": sum(len(c.problems) for c in self.controls),
            },
            "tests": [
                {
                    "rule": t.rule,
                    "file": t.file,
                    "line": t.line,
                    "passed": t.passed,
                    "error": t.error or None,
                    "fired": t.fired,
                }
                for t in self.tests
            ],
            "coverage": [
                {
                    "file": c.file,
                    "percent": round(c.percent, 1) if c.evaluated else None,
                    "covered": list(c.covered),
                    "not_covered": list(c.not_covered),
                }
                for c in self.coverage
            ],
            "controls": [
                {
                    "id": c.control_id,
                    "package": c.package,
                    "source": c.source,
                    "fires": list(c.fires),
                    "silent": list(c.silent),
                    "problems": list(c.problems),
                }
                for c in self.controls
            ],
        }


@dataclass(frozen=True, kw_only=True)
class _Rule:
    file: str
    package: str
    name: str
    line: int
    end_line: int
    head_lines: frozenset[int]  # lines of the head's key/value expression
    unambiguous: bool  # the head's lines carry no body expression
    function: bool = False  # test_x(arg) is a helper, not a test (as in ``opa test``)


def load_engine(policies: PolicySet, coverage: bool = False) -> PolicyTestEngine:
    """An engine holding every file of the policy set (tests included)."""
    return PolicyTestEngine(policies, coverage=coverage)


def _first_var(node: Any) -> str | None:
    """The leading variable of a rule head reference (``deny``, ``a`` in ``a.b.c``)."""
    if isinstance(node, dict):
        var = node.get("Var")
        if isinstance(var, dict) and isinstance(var.get("value"), str):
            return str(var["value"])
        for key in ("RefDot", "RefBrack"):
            inner = node.get(key)
            if isinstance(inner, dict):
                return _first_var(inner.get("refr"))
    return None


def _span_of(node: Any) -> Mapping[str, Any] | None:
    if isinstance(node, dict):
        if isinstance(node.get("span"), dict):
            return node["span"]  # type: ignore[no-any-return]
        for value in node.values():
            if isinstance(value, dict) and isinstance(value.get("span"), dict):
                return value["span"]  # type: ignore[no-any-return]
    return None


def _lines(data: bytes, span: Mapping[str, Any]) -> tuple[int, int, int]:
    """(first line, last line, end offset) of a span given in byte offsets."""
    start, end = int(span["start"]), int(span["end"])
    first = int(span["line"])
    return first, first + data[start:end].count(b"\n"), end


_BODY_OPENS = re.compile(rb"^\s*(if\s*)?(\{\s*)?(#.*)?$")


def _rules(engine: PolicyTestEngine, files: Mapping[str, PolicyFile]) -> list[_Rule]:
    out: list[_Rule] = []
    for module in engine.modules():
        shown = str(module.get("source", {}).get("file", ""))
        pf = files.get(shown)
        if pf is None:
            continue
        data = pf.text.encode("utf-8")
        for rule in module.get("ast", {}).get("rules", []):
            if not isinstance(rule, dict) or len(rule) != 1:
                continue
            body = next(iter(rule.values()))
            if not isinstance(body, dict) or not isinstance(body.get("span"), dict):
                continue
            line, end_line, _ = _lines(data, body["span"])
            head = body.get("head")
            name: str | None = None
            head_lines: frozenset[int] = frozenset()
            unambiguous = False
            kind = ""
            if isinstance(head, dict) and len(head) == 1:
                kind, h = next(iter(head.items()))
                name = _first_var(h.get("refr")) if isinstance(h, dict) else None
                value = h.get("key") if kind == "Set" and isinstance(h, dict) else None
                span = _span_of(value)
                if span is not None:
                    first, last, end = _lines(data, span)
                    head_lines = frozenset(range(first, last + 1))
                    rest = data[end:].split(b"\n", 1)[0]
                    unambiguous = bool(_BODY_OPENS.match(rest))
            elif isinstance(rule.get("Default"), dict):
                name = _first_var(body.get("refr"))
            if name:
                out.append(
                    _Rule(
                        file=shown,
                        package=pf.package,
                        name=name,
                        line=line,
                        end_line=end_line,
                        head_lines=head_lines,
                        unambiguous=unambiguous,
                        function=kind == "Func",
                    )
                )
    return out


def _observe(
    deny_rules: Sequence[_Rule], cov: Mapping[str, tuple[set[int], set[int]]]
) -> tuple[bool | None, bool]:
    """(fired, evaluated) for one test from the coverage of the package's deny rules."""
    fired = False
    ambiguous_ran = False
    evaluated = False
    for r in deny_rules:
        covered = cov.get(r.file, (set(), set()))[0]
        ran = any(r.line <= n <= r.end_line for n in covered)
        if not ran:
            continue
        evaluated = True
        if not r.unambiguous:
            ambiguous_ran = True
        elif r.head_lines & covered:
            fired = True
    if fired:
        return True, True
    if ambiguous_ran:
        return None, True
    return (False if evaluated else None), evaluated


def run_policy_tests(
    user_dirs: Iterable[str | Path] = (),
    *,
    include_builtin: bool = True,
    coverage: bool = True,
    pattern: str | None = None,
) -> PolicyTestReport:
    """Run every ``test_*`` rule; raise PolicyError when a policy cannot be loaded."""
    policies = load_policy_set(user_dirs, include_tests=True, include_builtin=include_builtin)
    # METADATA of every control is validated by load_policy_set; Rego syntax here.
    engine = load_engine(policies, coverage=True)
    files = {f.shown: f for f in policies.files}
    rules = _rules(engine, files)
    selector = re.compile(pattern) if pattern else None
    tests: dict[tuple[str, str], _Rule] = {}
    for r in rules:
        wanted = selector is None or selector.search(f"data.{r.package}.{r.name}")
        is_test = r.name.startswith("test_") and not r.function
        if is_test and (r.package, r.name) not in tests and wanted:
            tests[(r.package, r.name)] = r
    deny_by_pkg: dict[str, list[_Rule]] = {}
    for r in rules:
        if r.name == "deny" and not files[r.file].is_test:
            deny_by_pkg.setdefault(r.package, []).append(r)

    totals: dict[str, tuple[set[int], set[int]]] = {}
    results: list[TestResult] = []
    for (package, name), r in sorted(tests.items(), key=lambda kv: (kv[1].file, kv[1].line)):
        engine.clear_coverage()
        error = ""
        try:
            value = engine.eval_rule(f"data.{package}.{name}")
            passed = value.strip() == "true"
            if not passed and value.strip() != UNDEFINED:
                error = f"evaluated to {value.strip()[:80]}, not true"
        except EngineError as exc:  # a runtime error (conflict, type error) fails the test
            passed = False
            error = str(exc)
        cov = engine.coverage()
        for path, (cv, nc) in cov.items():
            tot = totals.setdefault(path, (set(), set()))
            tot[0].update(cv)
            tot[1].update(nc)
        fired, evaluated = _observe(deny_by_pkg.get(package, ()), cov)
        results.append(
            TestResult(
                package=package,
                name=name,
                file=r.file,
                line=r.line,
                passed=passed,
                error=error,
                fired=fired,
                evaluated_deny=evaluated,
            )
        )

    cover: list[FileCoverage] = []
    if coverage:
        for f in sorted(policies.files, key=lambda f: f.shown):
            if f.is_test:
                continue
            # regorus reports only files in which some rule was evaluated
            cv, nc = totals.get(f.shown, (set(), set()))
            cover.append(
                FileCoverage(
                    file=f.shown, covered=tuple(sorted(cv)), not_covered=tuple(sorted(nc - cv))
                )
            )
    checks = (
        check_convention(policies, results) if selector is None else ()
    )  # a filtered run cannot judge the convention
    return PolicyTestReport(
        tests=tuple(results),
        coverage=tuple(cover),
        controls=tuple(checks),
        policy_hash=policies.policy_hash(),
    )


def check_convention(policies: PolicySet, results: Sequence[TestResult]) -> list[ControlCheck]:
    """Every control package needs a passing test that fires and one that stays silent."""
    by_pkg: dict[str, list[TestResult]] = {}
    for t in results:
        by_pkg.setdefault(t.package, []).append(t)
    checks: list[ControlCheck] = []
    for control in policies.controls:
        if not control.package.startswith(CONTROL_PREFIX):
            continue
        tests = by_pkg.get(control.package, [])
        fires: list[str] = []
        silent: list[str] = []
        problems: list[str] = []
        for t in tests:
            named_fires = t.name.startswith(FIRES_PREFIX)
            named_silent = t.name.startswith(SILENT_PREFIX)
            if named_fires and t.fired is False:
                problems.append(
                    f"{t.name} ({t.file}:{t.line}) is named {FIRES_PREFIX}* "
                    "but deny produced nothing during it"
                )
            if named_silent and t.fired is True:
                problems.append(
                    f"{t.name} ({t.file}:{t.line}) is named {SILENT_PREFIX}* "
                    "but deny produced a finding during it"
                )
            if not t.passed:
                continue
            if t.fired is True or (t.fired is None and named_fires):
                fires.append(t.name)
            elif (t.fired is False and t.evaluated_deny) or (t.fired is None and named_silent):
                silent.append(t.name)
        if not tests:
            problems.append(
                f"no test_* rules for {control.package}; add {_test_file(control.source)}"
            )
        else:
            if not fires:
                problems.append(
                    f"no passing test in which deny fires (name one {FIRES_PREFIX}_...)"
                )
            if not silent:
                problems.append(
                    f"no passing test in which deny is evaluated and stays silent "
                    f"(name one {SILENT_PREFIX}_...)"
                )
        checks.append(
            ControlCheck(
                package=control.package,
                control_id=control.id,
                source=control.source,
                fires=tuple(sorted(fires)),
                silent=tuple(sorted(silent)),
                problems=tuple(problems),
            )
        )
    return checks


def _test_file(source: str) -> str:
    return source[: -len(".rego")] + "_test.rego" if source.endswith(".rego") else source


def line_ranges(lines: Iterable[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"3-5, 9"``."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(lines):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)
