"""Detection rate and speed of static pickle scanners on the test corpus.

    python benchmarks/pickle_scanners.py [--repeat N] [--modelscan-path DIR]

The corpus is tests/pickle_corpus.py (built from raw opcodes; never pickles a callable).
No candidate loads a sample: picklescan and fickling disassemble, modelscan uses
picklescan-style opcode listing, mlscan walks opcodes. modelscan pins rich<15 and
tomlkit<0.14, which conflict with mlscan's own pins, so it is measured from a side
directory (``pip install --no-deps --target DIR modelscan``) when ``--modelscan-path`` is given.

A malicious sample counts as detected when the scanner rates it dangerous (picklescan:
a global with SafetyLevel.Dangerous; fickling: severity >= LIKELY_UNSAFE, or the stricter
LIKELY_OVERTLY_MALICIOUS; modelscan: any issue of severity >= MEDIUM; mlscan: verdict
``dangerous``). "names" counts samples where every expected dangerous import was reported
by name (n/a where the tool does not report names in a comparable form).
"""

from __future__ import annotations

import argparse
import io
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pickle_corpus import Sample, build_corpus  # noqa: E402

logging.disable(logging.CRITICAL)

Verdict = tuple[bool, set[str] | None]  # (rated dangerous, dangerous names or None)


def picklescan_scan(sample: Sample, path: Path) -> Verdict:
    from picklescan.scanner import SafetyLevel, scan_bytes

    res = scan_bytes(io.BytesIO(sample.data), sample.filename, path.suffix)
    names = {f"{g.module}.{g.name}" for g in res.globals if g.safety == SafetyLevel.Dangerous}
    return bool(names), names


def _fickling_severity(sample: Sample, path: Path) -> object:
    import fickling
    from fickling.analysis import Severity

    if sample.data[:2] == b"PK":
        results = fickling.scan_zip_archive(str(path), graceful=True)
        severity = max((r.severity for r in results.values()), default=Severity.LIKELY_SAFE)
    else:
        severity = fickling.scan_file(str(path), graceful=True).severity
    return severity


def fickling_scan(sample: Sample, path: Path) -> Verdict:
    from fickling.analysis import Severity

    return _fickling_severity(sample, path) >= Severity.LIKELY_UNSAFE, None  # type: ignore[operator]


def fickling_strict_scan(sample: Sample, path: Path) -> Verdict:
    from fickling.analysis import Severity

    severity = _fickling_severity(sample, path)
    return severity >= Severity.LIKELY_OVERTLY_MALICIOUS, None  # type: ignore[operator]


def modelscan_scan(sample: Sample, path: Path) -> Verdict:
    from modelscan.modelscan import ModelScan

    scanner = ModelScan()
    scanner.scan(str(path))
    names = set()
    flagged = False
    for issue in scanner.issues.all_issues:
        if issue.severity.name in ("CRITICAL", "HIGH", "MEDIUM"):
            flagged = True
        details = issue.details
        module = getattr(details, "module", None)
        operator = getattr(details, "operator", None)
        if module and operator:
            names.add(f"{module}.{operator}")
    return flagged, names


def mlscan_scan(sample: Sample, path: Path) -> Verdict:
    from mlscan.collectors.artifacts.files import AnalysisLimits, analyse_file
    from mlscan.collectors.artifacts.discovery import MODEL_EXTENSIONS

    declared = MODEL_EXTENSIONS.get(path.suffix, "other")
    with path.open("rb") as fh:
        result = analyse_file(fh, len(sample.data), declared, AnalysisLimits())
    names = {f"{g.module}.{g.name}" for g in result.globals if g.classification == "dangerous"}
    return result.verdict == "dangerous", names


CANDIDATES: dict[str, Callable[[Sample, Path], Verdict]] = {
    "picklescan": picklescan_scan,
    "fickling (>= LIKELY_UNSAFE)": fickling_scan,
    "fickling (>= LIKELY_OVERTLY_MALICIOUS)": fickling_strict_scan,
    "modelscan": modelscan_scan,
    "mlscan (picklescan + opcode walker)": mlscan_scan,
}


def large_inputs() -> None:
    """Time (plain run) and peak Python memory (separate tracemalloc run) on big streams."""
    import struct
    import tracemalloc

    from picklescan.scanner import scan_pickle_bytes

    from mlscan.collectors.artifacts.pickles import walk

    inputs = {
        "1M-element int list (1M opcodes, 2 MB)":
            b"\x80\x04](" + b"K\x01" * 1_000_000 + b"e.",
        "one 200 MiB BINBYTES8 payload":
            b"\x80\x04\x8e" + struct.pack("<Q", 200 * 2**20) + bytes(200 * 2**20) + b".",
    }
    scanners: dict[str, Callable[[bytes], object]] = {
        "mlscan opcode walker": lambda d: walk(io.BytesIO(d), len(d), timeout=600),
        "picklescan scan_pickle_bytes": lambda d: scan_pickle_bytes(io.BytesIO(d), "x"),
    }
    print("| input | scanner | seconds | peak MiB (tracemalloc) |")
    print("|---|---|---|---|")
    for label, data in inputs.items():
        for name, fn in scanners.items():
            t0 = time.perf_counter()
            fn(data)
            seconds = time.perf_counter() - t0
            tracemalloc.start()
            fn(data)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            print(f"| {label} | {name} | {seconds:.2f} | {peak:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--modelscan-path", default=None)
    parser.add_argument("--details", action="store_true", help="per-sample results")
    parser.add_argument("--large", action="store_true", help="also time two large streams")
    args = parser.parse_args()
    if args.modelscan_path:
        sys.path.append(args.modelscan_path)
    corpus = build_corpus()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for s in corpus:
            p = Path(tmp) / s.filename
            p.write_bytes(s.data)
            paths[s.name] = p
        for label, scan in CANDIDATES.items():
            try:
                scan(corpus[0], paths[corpus[0].name])
            except ImportError as exc:
                rows.append((label, f"not installed ({exc.name})", "", "", "", "", ""))
                continue
            tp = fp = named = 0
            missed: list[str] = []
            fps: list[str] = []
            times = []
            names_known = True
            for s in corpus:
                try:
                    flagged, names = scan(s, paths[s.name])
                except Exception as exc:  # a crash counts as "not detected"
                    flagged, names = False, set()
                    print(f"  {label} crashed on {s.name}: {type(exc).__name__}: {exc}",
                          file=sys.stderr)
                if names is None:
                    names_known = False
                t0 = time.perf_counter()
                for _ in range(args.repeat):
                    try:
                        scan(s, paths[s.name])
                    except Exception:  # noqa: S112
                        continue
                times.append((time.perf_counter() - t0) / args.repeat)
                if s.malicious:
                    if flagged:
                        tp += 1
                    else:
                        missed.append(s.name)
                    if names is not None and s.dangerous <= names:
                        named += 1
                elif flagged:
                    fp += 1
                    fps.append(s.name)
                if args.details:
                    print(f"  {label:40} {s.name:30} flagged={flagged} names={sorted(names or [])}")
            mal = sum(1 for s in corpus if s.malicious)
            ben = len(corpus) - mal
            rows.append((
                label, f"{tp}/{mal}", f"{fp}/{ben}",
                f"{named}/{mal}" if names_known else "n/a",
                f"{statistics.median(times) * 1e6:.0f}", f"{sum(times) * 1e3:.1f}",
                ", ".join(missed + [f"FP:{n}" for n in fps]) or "-",
            ))
    header = ("scanner", "detected", "false positives", "names", "median µs/file",
              "corpus ms", "missed / false positives")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.large:
        print()
        large_inputs()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
