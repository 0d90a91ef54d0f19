"""mlscan against checkov on the same generated trees, side by side, in one invocation.

    python benchmarks/run.py [--projects 1,4] [--runs 3] [--big] [--skip-hashing]

For each N in --projects, generates a tree (benchmarks/generate.py) and measures,
interleaved, the median of --runs runs of

* ``mlscan scan TREE --format sarif --output /dev/null --fail-on never``
* ``checkov -d TREE --quiet --compact -o json --skip-download`` (no network:
  BC_SKIP_MAPPING=TRUE, CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false)

Wall time is measured around the child; peak RSS comes from ``os.wait4`` (the child's
``ru_maxrss``, which covers the largest of the child and its reaped descendants).
Then: per-phase times (``mlscan scan --profile``), pre-commit mode (5 changed files
given on the command line, from the tree root, with and without a ``.tf``), hashing
throughput against ``sha256sum`` (benchmarks/hashing.py) and embedded-engine time on
synthetic fact documents of 1,000 and 10,000 facts. Prints the targets with ✓/✗.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CHECKOV = shutil.which("checkov", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["BC_SKIP_MAPPING"] = "TRUE"
    env["CHECKOV_RUN_SCA_PACKAGE_SCAN_V2"] = "false"
    env.setdefault("LOG_LEVEL", "ERROR")
    return env


def measure(cmd: Sequence[str], cwd: Path) -> tuple[float, int, int, str]:
    """(wall seconds, peak RSS KiB, exit code, stderr) of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=child_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, int(usage.ru_maxrss), proc.returncode, err


def mlscan_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "mlscan", "scan", *args]


def checkov_cmd(tree: Path) -> list[str]:
    assert CHECKOV, "checkov CLI not found next to this Python"
    return [CHECKOV, "-d", str(tree), "--quiet", "--compact", "-o", "json", "--skip-download"]


def median_runs(cmds: dict[str, tuple[list[str], Path]], runs: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {k: {"wall": [], "rss": [], "rc": set()} for k in cmds}
    for _ in range(runs):
        for name, (cmd, cwd) in cmds.items():  # interleaved
            wall, rss, rc, err = measure(cmd, cwd)
            if rc not in (0, 1):
                raise SystemExit(f"{name} failed with {rc}:\n{err[-2000:]}")
            out[name]["wall"].append(wall)
            out[name]["rss"].append(rss)
            out[name]["rc"].add(rc)
    for v in out.values():
        v["wall_med"] = statistics.median(v["wall"])
        v["rss_med"] = statistics.median(v["rss"])
    return out


def profile(tree: Path) -> dict[str, float]:
    cmd = mlscan_cmd(".", "--format", "sarif", "--output", os.devnull, "--fail-on", "never",
                     "--profile")
    _, _, _, err = measure(cmd, tree)
    phases: dict[str, float] = {}
    for m in re.finditer(r"profile: (\S+)\s+([\d.]+) ms", err):
        phases[m.group(1)] = float(m.group(2)) / 1000
    return phases


PRECOMMIT_PLAIN = ("project-000/data/part-000.csv.dvc", "project-000/models/model-00.safetensors",
                   "project-000/models/legacy-00.pkl", "project-000/policies/bucket-1.json",
                   "project-000/serving/app.py")
PRECOMMIT_TF = (*PRECOMMIT_PLAIN[:4], "project-000/infra/stack_01.tf")


_IDENT_KEYS = frozenset({"path", "name", "address", "resource", "bucket", "id", "policy_id"})


def _renamed(value: Any, k: int) -> Any:
    """A copy as another project would have it: every identifying string gets a suffix,
    consistently, so joins between fact lists (bucket <-> checkov result, policy <->
    statement) still match one to one instead of multiplying."""
    if isinstance(value, dict):
        return {key: (f"{v}-c{k}" if key in _IDENT_KEYS and isinstance(v, str)
                      else _renamed(v, k)) for key, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, k) for v in value]
    return value


def scale_facts(facts: dict[str, Any], target: int) -> tuple[dict[str, Any], int]:
    """Replicate every fact list until the document holds about ``target`` facts, each
    copy renamed as a distinct project (see ``_renamed``)."""
    base = sum(len(v) for fam in facts.values() if isinstance(fam, dict)
               for v in fam.values() if isinstance(v, list))
    factor = max(1, round(target / max(base, 1)))
    doc: dict[str, Any] = {}
    total = 0
    for family, value in facts.items():
        if not isinstance(value, dict):
            doc[family] = value
            continue
        fam: dict[str, Any] = {}
        for kind, items in value.items():
            if not isinstance(items, list):
                fam[kind] = items
                continue
            rows = []
            for k in range(factor):
                for item in items:
                    rows.append(_renamed(copy.deepcopy(item), k) if k else item)
            fam[kind] = rows
            total += len(rows)
        doc[family] = fam
    return doc, total


@dataclass(frozen=True)
class EngineRun:
    facts: int
    input_mb: float
    encode: float  # fact document -> JSON text (median s)
    load: float  # JSON text -> regorus input
    evaluate: float  # the deny query, result decoded
    total: float  # EmbeddedEngine.evaluate, end to end
    cold: float  # a new engine (policy load and compile) plus one evaluate
    findings: int


ENGINE_SIZES = (1250, 2500, 5000, 10000, 20000)


def engine_bench(tree: Path, sizes: Sequence[int], rounds: int) -> list[EngineRun]:
    from mlscan.controls import load_policy_set
    from mlscan.engine.embedded import EmbeddedEngine, encode_input
    from mlscan.fact_view import engine_view

    # the document a scan hands the engine (without the detail fields no control reads)
    facts = engine_view(collect_facts_quietly_in(tree))
    policies = load_policy_set()
    results = []
    for size in sizes:
        doc, n = scale_facts(facts, size)
        engine = EmbeddedEngine(policies)
        phases: dict[str, list[float]] = {"encode": [], "load": [], "evaluate": [], "total": []}
        found = 0
        text = ""
        for _ in range(rounds):
            t0 = time.perf_counter()
            text = encode_input(doc)
            t1 = time.perf_counter()
            engine.raw.set_input_json(text)
            t2 = time.perf_counter()
            json.loads(engine.raw.eval_query_as_json(engine.query))
            t3 = time.perf_counter()
            raw = engine.evaluate(doc)
            t4 = time.perf_counter()
            found = sum(len(v) for v in raw.values())
            for key, secs in (("encode", t1 - t0), ("load", t2 - t1), ("evaluate", t3 - t2),
                              ("total", t4 - t3)):
                phases[key].append(secs)
        t = time.perf_counter()
        EmbeddedEngine(policies).evaluate(doc)
        cold = time.perf_counter() - t
        med = {k: statistics.median(v) for k, v in phases.items()}
        results.append(EngineRun(facts=n, input_mb=len(text.encode()) / 1e6, encode=med["encode"],
                                 load=med["load"], evaluate=med["evaluate"], total=med["total"],
                                 cold=cold, findings=found))
    return results


def collect_facts_quietly_in(tree: Path) -> dict[str, Any]:
    """The fact document of ``tree``, collected as a scan from its root would (checkov
    offline)."""
    from mlscan.scan import collect_facts

    cwd = os.getcwd()
    os.chdir(tree)
    try:
        os.environ.update({"BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
        return dict(collect_facts(["."]).facts)
    finally:
        os.chdir(cwd)


def hashing_bench(size_mb: int, rounds: int) -> tuple[float, str]:
    cmd = [sys.executable, str(HERE / "hashing.py"), "--size-mb", str(size_mb), "--rounds",
           str(rounds)]
    out = subprocess.run(cmd, env=child_env(), capture_output=True, text=True, check=True).stdout
    m = re.search(r"DigestService md5\+sha256\s+[\d.]+ MB/s\s+([\d.]+)x", out)
    return (float(m.group(1)) if m else float("nan")), out


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", default="1,4", help="comma-separated N values (e.g. 1,4,16)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big", action="store_true", help="~1 GB of model files per tree")
    ap.add_argument("--hash-mb", type=int, default=256)
    ap.add_argument("--skip-hashing", action="store_true")
    ap.add_argument("--keep", type=Path, default=None, help="generate trees here and keep them")
    args = ap.parse_args(argv)
    ns = [int(x) for x in args.projects.split(",") if x]
    load = os.getloadavg()
    print(f"machine: {os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} "
          f"{load[2]:.1f}; python {sys.version.split()[0]}; runs={args.runs} (median)")
    base = args.keep or Path(tempfile.mkdtemp(prefix="mlscan-bench-"))
    full: dict[int, dict[str, dict[str, Any]]] = {}
    try:
        trees = {}
        for n in ns:
            tree = base / f"tree-{n}{'-big' if args.big else ''}"
            if not tree.exists():
                generate.generate(tree, n, args.big)
            trees[n] = tree
        print("\n## Full scan (wall s / peak RSS MiB)")
        print("| N | files | mlscan wall | checkov wall | ratio | mlscan RSS | checkov RSS "
              "| ratio |")
        print("|---|---|---|---|---|---|---|---|")
        for n, tree in trees.items():
            files = sum(1 for p in tree.rglob("*") if p.is_file())
            r = median_runs({
                "mlscan": (mlscan_cmd(str(tree), "--format", "sarif", "--output", os.devnull,
                                      "--fail-on", "never"), tree),
                "checkov": (checkov_cmd(tree), tree),
            }, args.runs)
            full[n] = r
            m, c = r["mlscan"], r["checkov"]
            print(f"| {n} | {files} | {m['wall_med']:.2f} | {c['wall_med']:.2f} | "
                  f"{m['wall_med'] / c['wall_med']:.2f}x | {m['rss_med'] / 1024:.0f} | "
                  f"{c['rss_med'] / 1024:.0f} | {m['rss_med'] / c['rss_med']:.2f}x |")
        n0 = ns[0]
        tree0 = trees[n0]
        print(f"\n## Phases (mlscan scan --profile, N={ns[-1]})")
        for phase, secs in profile(trees[ns[-1]]).items():
            print(f"  {phase:28s} {secs * 1000:9.1f} ms")
        print(f"\n## Pre-commit (N={n0}, run from the tree root)")
        pc = median_runs({
            "5 non-IaC files": (mlscan_cmd(*PRECOMMIT_PLAIN, "--format", "sarif", "--output",
                                           os.devnull, "--fail-on", "never"), tree0),
            "5 files incl. .tf": (mlscan_cmd(*PRECOMMIT_TF, "--format", "sarif", "--output",
                                             os.devnull, "--fail-on", "never"), tree0),
        }, args.runs)
        ck = full[n0]["checkov"]["wall_med"]
        for name, v in pc.items():
            print(f"  {name:20s} {v['wall_med']:.2f} s  = {v['wall_med'] / ck:.2f}x "
                  f"checkov full ({ck:.2f} s)")
        print("\n## Engine (embedded regorus, built-in policies; medians, ms)")
        print("| facts | input MB | encode | load | evaluate | total | cold | findings |")
        print("|---|---|---|---|---|---|---|---|")
        eng = engine_bench(tree0, ENGINE_SIZES, max(5, args.runs))
        for e in eng:
            print(f"| {e.facts:,} | {e.input_mb:.1f} | {e.encode * 1000:.1f} | "
                  f"{e.load * 1000:.1f} | {e.evaluate * 1000:.1f} | {e.total * 1000:.1f} | "
                  f"{e.cold * 1000:.1f} | {e.findings:,} |")
        steps = [later.total / earlier.total for earlier, later in itertools.pairwise(eng)]
        print("  growth of total per doubling of facts: "
              + ", ".join(f"{x:.2f}x" for x in steps) + " (2.0x is linear, 4.0x quadratic)")
        hash_ratio = float("nan")
        if not args.skip_hashing:
            print(f"\n## Hashing ({args.hash_mb} MB, benchmarks/hashing.py)")
            hash_ratio, text = hashing_bench(args.hash_mb, args.runs)
            print("  " + text.strip().replace("\n", "\n  "))
        print("\n## Targets")
        print("| target | goal | measured | |")
        print("|---|---|---|---|")
        rows: list[tuple[str, str, str, bool]] = []
        for n, r in full.items():
            w = r["mlscan"]["wall_med"] / r["checkov"]["wall_med"]
            rows.append((f"Full scan, N={n}", "wall ≤ 1.0x checkov", f"{w:.2f}x", w <= 1.0))
        for n, r in full.items():
            x = r["mlscan"]["rss_med"] / r["checkov"]["rss_med"]
            rows.append((f"Peak RSS, N={n}", "≤ 1.1x checkov", f"{x:.2f}x", x <= 1.1))
        x = pc["5 non-IaC files"]["wall_med"] / ck
        rows.append((f"Pre-commit, 5 non-IaC files (N={n0})", "≤ 0.15x checkov full",
                     f"{x:.2f}x", x <= 0.15))
        if 4 in full and 16 in full:
            g = full[16]["mlscan"]["wall_med"] / full[4]["mlscan"]["wall_med"]
            rows.append(("Scaling N=4 → N=16", "time grows ≤ 4.5x", f"{g:.2f}x", g <= 4.5))
        else:
            rows.append(("Scaling N=4 → N=16", "time grows ≤ 4.5x",
                         "not run (needs --projects 4,16)", False))
        if not args.skip_hashing:
            rows.append(("Hashing throughput (md5+sha256)", "≥ 0.8x sha256sum",
                         f"{hash_ratio:.2f}x", hash_ratio >= 0.8))
        ten = [e for e in eng if e.facts >= 9000]
        if ten:
            e = ten[0]
            rows.append((f"Engine on {e.facts:,} facts", "< 100 ms",
                         f"{e.total * 1000:.0f} ms (evaluate {e.evaluate * 1000:.0f} ms, "
                         f"encode+load {(e.encode + e.load) * 1000:.0f} ms)", e.total < 0.1))
        if len(eng) >= 3:
            # from the second size on (the smallest is dominated by fixed costs): linear
            # growth is the facts ratio; allow a quarter on top for noise
            a, b = eng[1], eng[-1]
            facts_x = b.facts / a.facts
            time_x = b.total / a.total
            rows.append((f"Engine growth {a.facts:,} → {b.facts:,} facts ({facts_x:.0f}x)",
                         f"≤ {1.25 * facts_x:.1f}x (linear)", f"{time_x:.2f}x",
                         time_x <= 1.25 * facts_x))
        for name, goal, got, ok in rows:
            print(f"| {name} | {goal} | {got} | {mark(ok)} |")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
