"""Score mlscan against the judged corpus of public ML repositories.

    python benchmarks/accuracy/score.py TREES_DIR [--oracle FILE] [--reports DIR]
        [--only OWNER/NAME ...] [--set development|held-out]

TREES_DIR holds one materialised work tree per corpus repository, named
``<owner>__<name>`` (see docs/accuracy.md for how to build them from the commits in
corpus.tsv; the trees are never committed). Each tree is scanned with the mlscan of this
checkout (``python -m mlscan scan TREE --format json``); with ``--reports DIR`` the
script reads ``DIR/<owner>__<name>.json`` reports instead of scanning.

Every finding at medium or above is matched against the oracle (oracle.json):

* a ``false`` entry (same control, path and line) or a ``wrong_location`` entry makes it a
  false positive;
* otherwise it is a true positive when an ``expected`` entry lists its control and one of
  the entry's places holds it (same path; the line within the range, or any line when
  the place has no range);
* otherwise it is *unjudged*: the oracle must be extended before the numbers mean much.

Recall = expected problems hit by at least one finding at medium or above / expected
problems. Precision = true positives / (true positives + false positives) at medium or
above; unjudged findings are left out and counted separately. Both are also given per
family.

Each repository belongs to a *set* (``"set"`` in oracle.json): ``development`` (the
default), the repositories the project looked at while fixing gap classes, or
``held-out``, repositories judged against a fixed mlscan and kept out of that work so
that they measure whether fixes carry over to code nobody tuned for. When both sets are
scored, the totals are also printed per set; ``--set NAME`` scores one set alone.
The script never runs in CI; its matching logic is unit-tested on a synthetic
oracle (tests/unit/test_accuracy_score.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_ORACLE = HERE / "oracle.json"
SEVERITY_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
FAMILIES = ("dvc", "mlflow", "iac", "serving", "secrets", "supply-chain", "model-files", "privacy")
DEVELOPMENT_SET = "development"
HELD_OUT_SET = "held-out"
SETS = (DEVELOPMENT_SET, HELD_OUT_SET)

# Family of a finding nobody has judged yet, from its control id.
_PREFIX_FAMILY = (
    ("MLS-DVC-004", "secrets"),
    ("MLS-MLF-002", "secrets"),
    ("MLS-SEC-", "secrets"),
    ("MLS-DVC-", "dvc"),
    ("MLS-MLF-", "mlflow"),
    ("MLS-BKT-", "iac"),
    ("MLS-IAC-", "iac"),
    ("MLS-SRV-", "serving"),
    ("MLS-ROB-", "serving"),
    ("MLS-SUP-", "supply-chain"),
    ("MLS-MOD-006", "supply-chain"),
    ("MLS-MOD-", "model-files"),
    ("MLS-SIG-", "model-files"),
    ("MLS-PRV-", "privacy"),
)


def family_of_control(control: str) -> str:
    for prefix, family in _PREFIX_FAMILY:
        if control.startswith(prefix):
            return family
    return "other"


def tree_name(repo: str) -> str:
    """``owner/name`` -> ``owner__name``, the directory name of a materialised tree."""
    owner, _, name = repo.partition("/")
    return f"{owner}__{name}"


@dataclass(frozen=True, kw_only=True)
class Finding:
    control: str
    severity: str
    path: str
    line: int | None
    message: str = ""

    @property
    def at_floor(self) -> bool:
        return SEVERITY_RANK.get(self.severity, 0) >= SEVERITY_RANK["medium"]

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path


@dataclass(frozen=True, kw_only=True)
class Place:
    path: str
    lines: tuple[int, int] | None

    def holds(self, path: str, line: int | None) -> bool:
        if path != self.path:
            return False
        if self.lines is None:
            return True
        return line is not None and self.lines[0] <= line <= self.lines[1]


@dataclass(frozen=True, kw_only=True)
class Expected:
    id: str
    controls: tuple[str, ...]
    severity: str
    family: str
    places: tuple[Place, ...]
    why: str
    klass: str = ""

    def matches(self, finding: Finding) -> bool:
        return finding.control in self.controls and any(
            p.holds(finding.path, finding.line) for p in self.places
        )


@dataclass(frozen=True, kw_only=True)
class Judged:
    """A ``false`` or ``wrong_location`` entry: one exact finding."""

    control: str
    path: str
    line: int | None
    family: str
    why: str
    klass: str = ""

    def matches(self, finding: Finding) -> bool:
        return (
            finding.control == self.control
            and finding.path == self.path
            and finding.line == self.line
        )


@dataclass(frozen=True, kw_only=True)
class RepoOracle:
    repo: str
    commit: str
    expected: tuple[Expected, ...]
    false: tuple[Judged, ...]
    wrong_location: tuple[Judged, ...]
    set: str = DEVELOPMENT_SET


@dataclass(kw_only=True)
class RepoScore:
    repo: str
    found: dict[str, list[Finding]] = field(default_factory=dict)
    missed: list[Expected] = field(default_factory=list)
    found_below_floor: dict[str, list[Finding]] = field(default_factory=dict)
    true_positives: list[tuple[Finding, str]] = field(default_factory=list)
    false_positives: list[tuple[Finding, str, str]] = field(default_factory=list)
    judged_hits: list[Judged] = field(default_factory=list)
    unjudged: list[Finding] = field(default_factory=list)


def _place(raw: Mapping[str, Any]) -> Place:
    lines = raw.get("lines")
    return Place(
        path=str(raw["path"]), lines=None if lines is None else (int(lines[0]), int(lines[1]))
    )


def _judged(raw: Mapping[str, Any]) -> Judged:
    line = raw.get("line")
    control = str(raw["control"])
    return Judged(
        control=control,
        path=str(raw["path"]),
        line=None if line is None else int(line),
        family=str(raw.get("family") or family_of_control(control)),
        why=str(raw.get("why", "")),
        klass=str(raw.get("class", "")),
    )


def load_oracle(data: Mapping[str, Any]) -> list[RepoOracle]:
    repos: list[RepoOracle] = []
    for raw in data["repos"]:
        expected = tuple(
            Expected(
                id=str(e["id"]),
                controls=tuple(str(c) for c in e["controls"]),
                severity=str(e["severity"]),
                family=str(e["family"]),
                places=tuple(_place(p) for p in e["where"]),
                why=str(e.get("why", "")),
                klass=str(e.get("class", "")),
            )
            for e in raw.get("expected", [])
        )
        ids = [e.id for e in expected]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{raw['repo']}: duplicate expected ids")
        repo_set = str(raw.get("set", DEVELOPMENT_SET))
        if repo_set not in SETS:
            raise ValueError(f"{raw['repo']}: unknown set {repo_set!r} (expected one of {SETS})")
        repos.append(
            RepoOracle(
                repo=str(raw["repo"]),
                commit=str(raw.get("commit", "")),
                expected=expected,
                false=tuple(_judged(j) for j in raw.get("false", [])),
                wrong_location=tuple(_judged(j) for j in raw.get("wrong_location", [])),
                set=repo_set,
            )
        )
    return repos


def findings_from_report(report: Mapping[str, Any]) -> list[Finding]:
    """Findings of an ``mlscan scan --format json`` report (suppressed ones left out)."""
    out: list[Finding] = []
    for raw in report.get("findings", []):
        if raw.get("suppressed"):
            continue
        loc = raw.get("location") or {}
        line = loc.get("start_line")
        out.append(
            Finding(
                control=str(raw["control"]),
                severity=str(raw.get("severity", "info")),
                path=str(loc.get("path", "")),
                line=None if line is None else int(line),
                message=str(raw.get("message", "")),
            )
        )
    return out


def score_repo(oracle: RepoOracle, findings: Iterable[Finding]) -> RepoScore:
    score = RepoScore(repo=oracle.repo)
    for finding in findings:
        false = next((j for j in oracle.false if j.matches(finding)), None)
        wrong = next((j for j in oracle.wrong_location if j.matches(finding)), None)
        hits = [e for e in oracle.expected if e.matches(finding)]
        if not finding.at_floor:
            for e in hits:
                score.found_below_floor.setdefault(e.id, []).append(finding)
            continue
        if false is not None:
            score.false_positives.append((finding, false.family, "false"))
            score.judged_hits.append(false)
        elif wrong is not None:
            score.false_positives.append((finding, wrong.family, "wrong-location"))
            score.judged_hits.append(wrong)
        elif hits:
            score.true_positives.append((finding, hits[0].family))
            for e in hits:
                score.found.setdefault(e.id, []).append(finding)
        else:
            score.unjudged.append(finding)
    score.missed = [e for e in oracle.expected if e.id not in score.found]
    for e_id in list(score.found_below_floor):
        if e_id in score.found:
            del score.found_below_floor[e_id]
    return score


@dataclass(frozen=True, kw_only=True)
class Ratio:
    num: int
    den: int

    @property
    def value(self) -> float | None:
        return None if self.den == 0 else self.num / self.den

    def __str__(self) -> str:
        v = self.value
        return f"{self.num}/{self.den} = " + ("n/a" if v is None else f"{100 * v:.0f}%")


@dataclass(frozen=True, kw_only=True)
class Totals:
    recall: Ratio
    precision: Ratio
    unjudged: int
    by_family: dict[str, tuple[Ratio, Ratio]]


def totals(oracles: Sequence[RepoOracle], scores: Sequence[RepoScore]) -> Totals:
    expected = {o.repo: o.expected for o in oracles}
    exp_n: dict[str, int] = {}
    hit_n: dict[str, int] = {}
    tp_n: dict[str, int] = {}
    fp_n: dict[str, int] = {}
    unjudged = 0
    for s in scores:
        for e in expected[s.repo]:
            exp_n[e.family] = exp_n.get(e.family, 0) + 1
            if e.id in s.found:
                hit_n[e.family] = hit_n.get(e.family, 0) + 1
        for _, fam in s.true_positives:
            tp_n[fam] = tp_n.get(fam, 0) + 1
        for _, fam, _kind in s.false_positives:
            fp_n[fam] = fp_n.get(fam, 0) + 1
        unjudged += len(s.unjudged)
    fams = [f for f in FAMILIES] + sorted({*exp_n, *tp_n, *fp_n} - set(FAMILIES))
    by_family = {
        f: (
            Ratio(num=hit_n.get(f, 0), den=exp_n.get(f, 0)),
            Ratio(num=tp_n.get(f, 0), den=tp_n.get(f, 0) + fp_n.get(f, 0)),
        )
        for f in fams
    }
    tp = sum(tp_n.values())
    return Totals(
        recall=Ratio(num=sum(hit_n.values()), den=sum(exp_n.values())),
        precision=Ratio(num=tp, den=tp + sum(fp_n.values())),
        unjudged=unjudged,
        by_family=by_family,
    )


def class_status(
    oracles: Sequence[RepoOracle], scores: Sequence[RepoScore]
) -> dict[str, tuple[int, int]]:
    """Per gap class: (entries still open, entries in the class) over the scored repos.

    A miss class entry is open while its expected problem is missed; a false-positive
    class entry is open while a finding still matches it."""
    by_repo = {o.repo: o for o in oracles}
    status: dict[str, tuple[int, int]] = {}

    def bump(klass: str, is_open: bool) -> None:
        if not klass:
            return
        o, t = status.get(klass, (0, 0))
        status[klass] = (o + int(is_open), t + 1)

    for s in scores:
        o = by_repo[s.repo]
        for e in o.expected:
            bump(e.klass, e.id not in s.found)
        hit = {id(j) for j in s.judged_hits}
        for j in (*o.false, *o.wrong_location):
            bump(j.klass, id(j) in hit)
    return dict(sorted(status.items()))


def scores_by_set(
    oracles: Sequence[RepoOracle], scores: Sequence[RepoScore]
) -> dict[str, list[RepoScore]]:
    """Scores grouped by the set of their repository, in the order of ``SETS``."""
    set_of = {o.repo: o.set for o in oracles}
    grouped: dict[str, list[RepoScore]] = {}
    for name in SETS:
        members = [s for s in scores if set_of[s.repo] == name]
        if members:
            grouped[name] = members
    return grouped


def _totals_lines(t: Totals) -> list[str]:
    lines = [
        f"recall    (medium+): {t.recall}",
        f"precision (medium+): {t.precision}   unjudged findings: {t.unjudged}",
        "",
        f"{'family':<14} {'recall':<18} precision",
    ]
    for fam, (rec, prec) in t.by_family.items():
        if rec.den == 0 and prec.den == 0:
            continue
        lines.append(f"{fam:<14} {rec!s:<18} {prec}")
    return lines


def render(
    scores: Sequence[RepoScore],
    oracles: Sequence[RepoOracle],
    missing: Sequence[str],
    class_issues: Mapping[str, str] | None = None,
) -> str:
    by_repo = {o.repo: o for o in oracles}
    lines: list[str] = []
    for s in scores:
        o = by_repo[s.repo]
        tag = "" if o.set == DEVELOPMENT_SET else f" [{o.set}]"
        lines.append(
            f"== {s.repo}{tag}  expected found {len(s.found)}/{len(o.expected)}  "
            f"true {len(s.true_positives)}  false {len(s.false_positives)}  "
            f"unjudged {len(s.unjudged)}"
        )
        for e in s.missed:
            below = s.found_below_floor.get(e.id)
            note = f" (reported below medium: {below[0].severity})" if below else ""
            place = e.places[0]
            at = place.path + ("" if place.lines is None else f":{place.lines[0]}-{place.lines[1]}")
            lines.append(f"   MISSED  [{e.family}] {e.id} {'/'.join(e.controls)} {at}{note}")
        for f, fam, kind in s.false_positives:
            lines.append(f"   FALSE   [{fam}] {f.control} {f.where()} ({kind})")
        for f in s.unjudged:
            lines.append(f"   UNJUDGED {f.severity} {f.control} {f.where()}: {f.message[:120]}")
    if missing:
        lines.append("")
        lines.append("missing trees (materialise them first, see docs/accuracy.md):")
        lines.extend(f"   {m}" for m in missing)
    lines.append("")
    lines.append(f"repositories scored: {len(scores)} of {len(oracles)}")
    lines.extend(_totals_lines(totals(oracles, scores)))
    by_set = scores_by_set(oracles, scores)
    if len(by_set) > 1:
        for name, set_scores in by_set.items():
            lines.append("")
            lines.append(f"-- {name} set: {len(set_scores)} repositories scored")
            lines.extend(_totals_lines(totals(oracles, set_scores)))
    elif by_set:
        lines.append(f"(all scored repositories are in the {next(iter(by_set))} set)")
    classes = class_status(oracles, scores)
    if classes:
        lines.append("")
        lines.append("gap classes (entries still open / entries in the class):")
        for klass, (still, total) in classes.items():
            issues = (class_issues or {}).get(klass, "")
            owner = f"  (issue {issues})" if issues else ""
            lines.append(f"   {klass:<34} {still}/{total}{owner}")
    return "\n".join(lines)


def scan_tree(tree: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlscan",
            "scan",
            str(tree),
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"mlscan failed on {tree}: {proc.stderr.strip()[-500:]}")
    report: dict[str, Any] = json.loads(proc.stdout)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("trees", type=Path, help="directory of materialised trees named owner__name")
    ap.add_argument("--oracle", type=Path, default=DEFAULT_ORACLE)
    ap.add_argument("--reports", type=Path, help="read DIR/owner__name.json instead of scanning")
    ap.add_argument("--save-reports", type=Path, help="write each scan's JSON report here")
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="OWNER/NAME",
        help="score only these repositories (repeatable); totals cover them alone",
    )
    ap.add_argument(
        "--set",
        choices=SETS,
        dest="only_set",
        help="score only the repositories of this set (e.g. held-out)",
    )
    args = ap.parse_args(argv)

    data = json.loads(args.oracle.read_text(encoding="utf-8"))
    oracles = load_oracle(data)
    if args.only:
        wanted = {w.lower() for w in args.only}
        oracles = [
            o for o in oracles if o.repo.lower() in wanted or tree_name(o.repo).lower() in wanted
        ]
    if args.only_set:
        oracles = [o for o in oracles if o.set == args.only_set]
    class_issues = {k: str(v.get("issues", "")) for k, v in data.get("classes", {}).items()}
    scores: list[RepoScore] = []
    missing: list[str] = []
    for o in oracles:
        name = tree_name(o.repo)
        if args.reports is not None:
            path = args.reports / f"{name}.json"
            if not path.is_file():
                missing.append(f"{name}.json (report of {o.repo} @ {o.commit[:12]})")
                continue
            report = json.loads(path.read_text(encoding="utf-8"))
        else:
            tree = args.trees / name
            if not tree.is_dir():
                missing.append(f"{name} ({o.repo} @ {o.commit})")
                continue
            report = scan_tree(tree)
            if args.save_reports is not None:
                args.save_reports.mkdir(parents=True, exist_ok=True)
                (args.save_reports / f"{name}.json").write_text(
                    json.dumps(report), encoding="utf-8"
                )
        scores.append(score_repo(o, findings_from_report(report)))
    print(render(scores, oracles, missing, class_issues))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
