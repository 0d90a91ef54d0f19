"""Terraform module evaluation stays linear in the number of files.

    python benchmarks/iac_modules.py [--sizes 8,16,32,64] [--runs 2]

Generates, for each size N, a root module that calls N local modules
(``./stores/store_<i>``), each in its own directory with a variables file, a bucket file and
three companion files (versioning, encryption, public-access block), plus a tfvars file at
the root: 5N + 2 files spread over N + 1 directories. Measures the median time of the IaC
collector and the link stage (``collect_facts`` with the IaC collector only; checkov runs
in-process) and prints the time per file. The scan is linear when the time per file of the
largest size stays within 2x of the smallest (checkov's fixed import cost is paid once,
before the runs, and excluded).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from mlscan.collectors.iac.collector import IacCollector  # noqa: E402
from mlscan.scan import collect_facts  # noqa: E402


def generate(root: Path, n: int) -> int:
    calls = []
    for i in range(n):
        d = root / "stores" / f"store_{i}"
        d.mkdir(parents=True)
        (d / "variables.tf").write_text('variable "name" {\n  type = string\n}\n')
        (d / "bucket.tf").write_text('resource "aws_s3_bucket" "this" {\n  bucket = var.name\n}\n')
        (d / "versioning.tf").write_text(
            'resource "aws_s3_bucket_versioning" "this" {\n  bucket = aws_s3_bucket.this.id\n'
            '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n'
        )
        (d / "encryption.tf").write_text(
            'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n  rule {\n"
            "    apply_server_side_encryption_by_default {\n"
            '      sse_algorithm     = "aws:kms"\n'
            "      kms_master_key_id = var.key\n    }\n  }\n}\n"
            'variable "key" {\n  default = null\n}\n'
        )
        (d / "public.tf").write_text(
            'resource "aws_s3_bucket_public_access_block" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n  block_public_acls = true\n}\n"
        )
        calls.append(
            f'module "store_{i}" {{\n  source = "./stores/store_{i}"\n'
            f'  name   = "${{var.prefix}}-models-{i}"\n}}\n'
        )
    (root / "main.tf").write_text('variable "prefix" {}\n' + "".join(calls))
    (root / "terraform.tfvars").write_text('prefix = "acme"\n')
    return 5 * n + 2


def measure(n: int, runs: int) -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = generate(root, n)
        times = []
        buckets = 0
        for _ in range(runs):
            t = time.perf_counter()
            fr = collect_facts((str(root),), collectors=(IacCollector(),))
            times.append(time.perf_counter() - t)
            buckets = sum(1 for b in fr.facts["iac"]["buckets"] if b["name"])
        return files, statistics.median(times), buckets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="8,16,32,64")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    measure(2, 1)  # warm-up: checkov's imports
    rows = []
    for n in sizes:
        files, seconds, named = measure(n, args.runs)
        rows.append((n, files, seconds, named))
        print(
            f"modules={n:4d} files={files:5d} time={seconds:7.3f}s "
            f"per-file={1000 * seconds / files:6.2f}ms buckets-named-through-module-inputs={named}"
        )
    first = rows[0][2] / rows[0][1]
    last = rows[-1][2] / rows[-1][1]
    ok = last <= 2 * first
    print(
        f"{'✓' if ok else '✗'} per-file time {1000 * last:.2f}ms at the largest size vs "
        f"{1000 * first:.2f}ms at the smallest (linear: within 2x)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
