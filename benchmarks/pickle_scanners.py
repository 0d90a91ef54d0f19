"""Detection rate, false alarms, errors and speed of static model scanners.

    python benchmarks/pickle_scanners.py [--modelscan-path DIR] [--details]
    python benchmarks/pickle_scanners.py --opcode-corpus [--repeat N] [--large]

The default corpus is tests/model_corpus.py: the evasion classes (every pickle protocol,
joblib compressions, PyTorch zip/legacy, numpy, Keras, SavedModel, dotted names, file
gadgets, zips that zipfile refuses, hidden extensions, 7z/rar/tar, broken streams) and
benign files written by scikit-learn, joblib, numpy, LightGBM, XGBoost, h5py and torch.
A malicious file counts as detected when the scanner flags it (mlscan: an MLS-MOD-002,
-003 or -008 finding from a full ``mlscan scan`` of the corpus folder); an error is a
crash or a file the scanner reports it could not scan. ``--opcode-corpus`` runs the older
tests/pickle_corpus.py table (built from raw opcodes; never pickles a callable).
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

from tests import model_corpus  # noqa: E402
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
    from mlscan.collectors.artifacts.discovery import MODEL_EXTENSIONS
    from mlscan.collectors.artifacts.files import AnalysisLimits, analyse_file

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
    "mlscan (opcode walker; picklescan where it stops)": mlscan_scan,
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


# ------------------------------------------------------------------ evasion corpus
Outcome = tuple[bool, bool]  # (flagged, error)


def ev_picklescan(path: Path) -> Outcome:
    from picklescan.scanner import scan_file_path

    res = scan_file_path(str(path))
    return res.infected_files > 0, bool(res.scan_err)


def _ev_fickling(path: Path, strict: bool) -> Outcome:
    import fickling
    from fickling.analysis import Severity

    threshold = Severity.LIKELY_OVERTLY_MALICIOUS if strict else Severity.LIKELY_UNSAFE
    with path.open("rb") as fh:
        is_zip = fh.read(2) == b"PK"
    if is_zip:
        results = fickling.scan_zip_archive(str(path), graceful=True)
        severity = max((r.severity for r in results.values()), default=Severity.LIKELY_SAFE)
        return severity >= threshold, not results
    return fickling.scan_file(str(path), graceful=True).severity >= threshold, False


def ev_fickling(path: Path) -> Outcome:
    return _ev_fickling(path, False)


def ev_fickling_strict(path: Path) -> Outcome:
    return _ev_fickling(path, True)


def ev_modelscan(path: Path) -> Outcome:
    from modelscan.modelscan import ModelScan

    scanner = ModelScan()
    scanner.scan(str(path))
    flagged = any(i.severity.name in ("CRITICAL", "HIGH", "MEDIUM")
                  for i in scanner.issues.all_issues)
    return flagged, bool(scanner.errors)


def _picklescan_parsed(root: Path, samples: list[model_corpus.Sample]) -> set[str]:
    from picklescan.scanner import scan_file_path

    parsed = set()
    for s in samples:
        try:
            if scan_file_path(str(root / s.path)).globals:
                parsed.add(s.path)
        except Exception:  # noqa: S112 - a crash is no parse
            continue
    return parsed


REPEAT = 5  # passes over the corpus; each file's time is its median over the passes
EVASION_SCANNERS: dict[str, Callable[[Path], Outcome]] = {
    "picklescan": ev_picklescan,
    "modelscan": ev_modelscan,
    "fickling (>= LIKELY_UNSAFE)": ev_fickling,
    "fickling (>= LIKELY_OVERTLY_MALICIOUS)": ev_fickling_strict,
}
MLSCAN_CONTROLS = {"MLS-MOD-002", "MLS-MOD-003", "MLS-MOD-008"}


def _row(label: str, samples: list[model_corpus.Sample], flagged: dict[str, bool],
         errors: dict[str, bool], times: list[float], total: float) -> tuple[str, ...]:
    bad = [s for s in samples if s.malicious]
    good = [s for s in samples if not s.malicious]
    tp = sum(flagged[s.path] for s in bad)
    fp = [s.path for s in good if flagged[s.path]]
    missed = [s.path for s in bad if not flagged[s.path]]
    err = sum(errors[s.path] for s in samples)
    return (label, f"{tp}/{len(bad)}", f"{len(fp)}/{len(good)}", f"{err}",
            f"{statistics.median(times) * 1e3:.2f}" if times else "-", f"{total:.2f}",
            ", ".join([Path(p).name for p in missed] + [f"FP:{Path(p).name}" for p in fp])
            or "-")


def _paired(mine: dict[str, float], theirs: dict[str, float], parsed: set[str]
            ) -> tuple[str, ...]:
    """Median ms/file of both on the files picklescan itself parses (it lists a global),
    where the two do comparable work; elsewhere picklescan stops at the first bytes."""
    both = sorted(parsed & mine.keys() & theirs.keys())
    if not both:
        return (f"{len(parsed)}", "-", "-", "-")
    faster = sum(mine[p] <= theirs[p] for p in both)
    return (f"{len(both)}", f"{statistics.median(mine[p] for p in both) * 1e3:.3f}",
            f"{statistics.median(theirs[p] for p in both) * 1e3:.3f}", f"{faster}/{len(both)}")


PAIRED: list[tuple[str, ...]] = []


def evasion_table(details: bool) -> list[tuple[str, ...]]:
    from mlscan.collectors.artifacts.collector import analyse_open_file
    from mlscan.collectors.artifacts.discovery import MODEL_EXTENSIONS
    from mlscan.collectors.artifacts.files import AnalysisLimits
    from mlscan.scan import ScanOptions, run

    rows: list[tuple[str, ...]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        marker = Path(tmp) / "MARKER"
        samples = model_corpus.write(root, str(marker))
        # mlscan: one full scan of the folder (discovery, analysis, Rego), as users run it
        t0 = time.perf_counter()
        result = run(ScanOptions(paths=(str(root),)))
        total = time.perf_counter() - t0
        reported = {f.location.path for f in result.findings
                    if f.control.id in MLSCAN_CONTROLS}
        unanalysed = {n.path for n in result.notifications if n.level == "warning"}
        # per-file analysis time (the part comparable to a per-file scanner): the median
        # of REPEAT passes over the corpus, for each file
        runs: dict[str, list[float]] = {s.path: [] for s in samples}
        for _ in range(REPEAT):
            for s in samples:
                path = root / s.path
                declared = MODEL_EXTENSIONS.get(path.suffix.lower(), "sniffed")
                t1 = time.perf_counter()
                with path.open("rb") as fh:
                    analyse_open_file(fh, path.stat().st_size, declared, AnalysisLimits())
                runs[s.path].append(time.perf_counter() - t1)
        mine = {p: statistics.median(v) for p, v in runs.items()}
        times = list(mine.values())
        rows.append(_row("mlscan (full scan)", samples,
                         {s.path: s.path in reported for s in samples},
                         {s.path: s.path in unanalysed for s in samples}, times, total))
        for label, scan in EVASION_SCANNERS.items():
            flagged: dict[str, bool] = {}
            errors: dict[str, bool] = {}
            times = []
            t0 = time.perf_counter()
            try:
                scan(root / samples[0].path)
            except ImportError as exc:
                rows.append((label, f"not installed ({exc.name})", "", "", "", "", ""))
                continue
            except Exception:  # noqa: S110 - measured below
                pass
            t0 = time.perf_counter()
            runs = {s.path: [] for s in samples}
            for attempt in range(REPEAT):
                for s in samples:
                    t1 = time.perf_counter()
                    try:
                        flagged[s.path], errors[s.path] = scan(root / s.path)
                    except Exception as exc:  # a crash is an error and not a detection
                        flagged[s.path], errors[s.path] = False, True
                        if details and attempt == 0:
                            print(f"  {label} crashed on {s.path}: {type(exc).__name__}: "
                                  f"{exc}", file=sys.stderr)
                    runs[s.path].append(time.perf_counter() - t1)
            theirs = {p: statistics.median(v) for p, v in runs.items()}
            times = list(theirs.values())
            if label == "picklescan":
                PAIRED.append(_paired(mine, theirs, _picklescan_parsed(root, samples)))
                if details:
                    print(f"  {label:40} {s.path:45} malicious={s.malicious} "
                          f"flagged={flagged[s.path]} error={errors[s.path]}")
            rows.append(_row(label, samples, flagged, errors, times,
                             (time.perf_counter() - t0) / REPEAT))
        if marker.exists():
            raise SystemExit("a sample was executed: the marker file exists")
    return rows


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--modelscan-path", default=None)
    parser.add_argument("--details", action="store_true", help="per-sample results")
    parser.add_argument("--large", action="store_true", help="also time two large streams")
    parser.add_argument("--opcode-corpus", action="store_true",
                        help="the older opcode corpus (tests/pickle_corpus.py)")
    args = parser.parse_args()
    if args.modelscan_path:
        sys.path.append(args.modelscan_path)
    if not args.opcode_corpus:
        print_table(("scanner", "detected", "false alarms", "errors", "median ms/file",
                     "total s", "missed / false alarms"), evasion_table(args.details))
        if PAIRED:
            print()
            print_table(("files picklescan parses", "mlscan median ms/file",
                         "picklescan median ms/file", "mlscan as fast or faster"), PAIRED)
        return 0
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
