"""Hashing throughput: mlscan's DigestService versus ``sha256sum`` on the same files.

Creates model-like files (random bytes, default ~1 GiB in 8 files) in a temporary
directory, then times, interleaved and repeated (median of N):

* ``DigestService`` md5 + sha256 in one pass (what a scan does: DVC needs md5);
* ``DigestService`` sha256 only (``algorithms=("sha256",)``);
* ``sha256sum FILES`` (GNU coreutils, one process, sequential).

Every round uses a fresh service (no cache) and the files are read once before timing,
so all contenders read from the page cache and the numbers compare hashing, not disks.
Prints MB/s for each and the ratio to sha256sum.

    python benchmarks/hashing.py [--size-mb 1024] [--files 8] [--rounds 3] [--workers N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlscan.hashing import DigestService
from mlscan.workspace import Workspace, WorkspaceOptions


def make_files(root: Path, total_mb: int, count: int) -> list[Path]:
    models = root / "models"
    models.mkdir(parents=True)
    per = max(1, total_mb * 1024 * 1024 // count)
    block = os.urandom(4 * 1024 * 1024)
    paths = []
    for i in range(count):
        p = models / f"shard-{i:03d}.safetensors"
        with p.open("wb") as fh:
            left = per
            while left > 0:
                n = min(left, len(block))
                fh.write(block[:n])
                left -= n
        paths.append(p)
    return paths


def time_it(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--dir", default=None, help="where to create the files (default: a tmp dir)")
    args = ap.parse_args()
    if shutil.which("sha256sum") is None:
        print("sha256sum not found", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="mlscan-bench-", dir=args.dir))
    try:
        files = make_files(tmp, args.size_mb, args.files)
        total = sum(p.stat().st_size for p in files)
        ws = Workspace.discover(tmp, WorkspaceOptions(max_file_size=1 << 62,
                                                      honour_gitignore=False))
        rels = [f.path for f in ws.files]

        def service(algorithms: tuple[str, ...]) -> Callable[[], object]:
            def run() -> object:
                svc = DigestService(ws, workers=args.workers, algorithms=algorithms)
                svc.prefetch(rels)
                return [svc.digest(r) for r in rels]
            return run

        def sha256sum() -> object:
            return subprocess.run(["sha256sum", *map(str, files)], check=True,
                                  capture_output=True)

        contenders: dict[str, Callable[[], object]] = {
            "DigestService md5+sha256": service(("md5", "sha256")),
            "DigestService sha256": service(("sha256",)),
            "sha256sum": sha256sum,
        }
        # warm the page cache and check the digests agree
        out = subprocess.run(["sha256sum", *map(str, files)], check=True,
                             capture_output=True, text=True).stdout.split()
        svc = DigestService(ws, workers=args.workers)
        svc.prefetch(rels)
        assert [svc.digest(r).sha256 for r in rels] == out[0::2], "digest mismatch"
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.rounds):
            for name, fn in contenders.items():
                times[name].append(time_it(fn))
        base = statistics.median(times["sha256sum"])
        print(f"{len(files)} files, {total / 1e6:.0f} MB, {args.rounds} rounds (median), "
              f"{os.cpu_count()} CPUs, workers={svc._workers}")
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"  {name:26s} {total / med / 1e6:8.1f} MB/s   "
                  f"{base / med:5.2f}x sha256sum   (runs: {', '.join(f'{t:.2f}s' for t in ts)})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
