"""Time and memory of `mlscan scan` on hostile repository trees.

Builds each tree in a temporary folder (with mlscan's default limits, at the sizes that
hurt before the limits existed) and prints the wall time and the peak resident memory
of the scan (the largest of the scanner and its checkov worker). The target on a small
CI machine: every tree under 30 s and 1 GiB. Each tree also holds a Dockerfile whose
finding (MLS-MLF-001) must survive; the script says when it does not.

    python benchmarks/hostile.py            # every tree
    python benchmarks/hostile.py --only alias-bomb-cfn --only huge-compose
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SENTINEL = 'FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
CFN = "AWSTemplateFormatVersion: '2010-09-09'\n"
GOOD_CFN = (
    CFN + "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n"
    "      BucketName: acme-training-data\n"
)
MIB = 1024 * 1024


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def alias_bomb_cfn(root: Path) -> None:
    layers = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"] + [
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)
    ]
    text = CFN + "Metadata:\n" + "".join(f"  {x}\n" for x in layers)
    _write(root, "infra/bomb.yaml", text + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
    _write(root, "infra/good.yaml", GOOD_CFN)


def deep_cfn(root: Path) -> None:
    body = "x"
    for i in range(150):
        body = f"{{k{i}: [{body}]}}"
    _write(root, "infra/deep.yaml", CFN + "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
           f"    Properties:\n      Tags:\n        - Key: a\n          Value: {body}\n")
    _write(root, "infra/good.yaml", GOOD_CFN)


def _compose(size: int) -> str:
    parts = ["services:\n"]
    total, i = 0, 0
    while total < size:
        svc = f"  svc{i}:\n    image: nginx:1.{i % 30}\n    environment:\n      A: b{i}\n"
        parts.append(svc)
        total += len(svc)
        i += 1
    return "".join(parts)


def huge_compose(root: Path) -> None:
    _write(root, "docker-compose.yml", _compose(60 * MIB))


def compose_at_limit(root: Path) -> None:
    _write(root, "docker-compose.yml", _compose(MIB - 4096))


def _terraform(size: int) -> str:
    parts, total, i = [], 0, 0
    while total < size:
        block = (
            f'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "acme-{i}"\n'
            f'  tags = {{ team = "ml", index = "{i}" }}\n}}\n'
        )
        parts.append(block)
        total += len(block)
        i += 1
    return "".join(parts)


def huge_terraform(root: Path) -> None:
    _write(root, "main.tf", _terraform(20 * MIB))


def terraform_at_limit(root: Path) -> None:
    _write(root, "main.tf", _terraform(MIB // 2 - 4096))


def padded_bucket_policy(root: Path) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::acme-models/*"}],
        "Padding": "x" * (6 * MIB),
    }
    _write(root, "policies/models-bucket.json", json.dumps(policy))


def non_utf8_names(root: Path) -> None:
    base = os.fsencode(root)
    for i in range(200):
        folder = base + b"/dir\xff" + str(i).encode()
        os.makedirs(folder, exist_ok=True)
        with open(folder + b"/caf\xe9.py", "w", encoding="utf-8") as fh:
            fh.write("import pickle\nmodel = pickle.load(open('m.pkl', 'rb'))\n")


def unreadable_dir(root: Path) -> None:
    locked = root / "pgdata"
    _write(root, "pgdata/base/1/table", "x")
    locked.chmod(0)  # as root the scan still lists it; as any other user it is noted


def deep_jsonl(root: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    lines = ['{"email": "a@example.com"}'] + [f'{{"x": {deep}}}'] * 20
    lines += ['{"n": ' + "9" * 100_000 + "}"] * 20
    _write(root, "data/events.jsonl", "\n".join(lines) + "\n")


TREES: dict[str, Callable[[Path], None]] = {
    "alias-bomb-cfn": alias_bomb_cfn,
    "deep-cfn-150": deep_cfn,
    "huge-compose-60MiB": huge_compose,
    "compose-at-yaml-limit": compose_at_limit,
    "huge-terraform-20MiB": huge_terraform,
    "terraform-at-hcl-limit": terraform_at_limit,
    "padded-bucket-policy-6MiB": padded_bucket_policy,
    "non-utf8-names": non_utf8_names,
    "unreadable-dir": unreadable_dir,
    "deep-jsonl": deep_jsonl,
}

# run in a fresh interpreter so that RUSAGE_CHILDREN covers this one scan only
_MEASURE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True)
wall = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"rc": proc.returncode, "wall": wall, "peak": peak,
                  "out": proc.stdout.decode("utf-8", "replace"),
                  "err": proc.stderr.decode("utf-8", "replace")[-400:]}))
"""


def measure(root: Path) -> dict[str, object]:
    cmd = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "mlscan", "scan", str(root),
           "--format", "json"]
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(cmd, capture_output=True, check=True, env=env)
    result: dict[str, object] = json.loads(out.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(TREES))
    args = parser.parse_args()
    names = args.only or list(TREES)
    print(f"{'tree':28} {'exit':>4} {'wall s':>8} {'peak MiB':>9}  sentinel  notes")
    worst = 0
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"mlscan-hostile-{name}-") as tmp:
            root = Path(tmp)
            _write(root, "Dockerfile", SENTINEL)
            TREES[name](root)
            try:
                r = measure(root)
            finally:
                for path in root.rglob("*"):
                    if path.is_dir():
                        path.chmod(0o755)
        wall, peak = float(r["wall"]), int(r["peak"])  # type: ignore[arg-type, call-overload]
        try:
            report = json.loads(str(r["out"]))
            found = any(
                f["control"] == "MLS-MLF-001" and f["location"]["path"] == "Dockerfile"
                for f in report["findings"]
            )
            notes = [f"{n['path']}: {n['message'][:70]}" for n in report["notifications"]]
        except (ValueError, KeyError, TypeError):
            found, notes = False, [f"no report (exit {r['rc']}): {r['err']}"]
        ok = r["rc"] in (0, 1) and found and wall < 30 and peak < 1024 * MIB
        worst = max(worst, 0 if ok else 1)
        print(f"{name:28} {r['rc']!s:>4} {wall:8.1f} {peak / MIB:9.0f}  "
              f"{'kept' if found else 'LOST':8}  {notes[0] if notes else '-'}")
        for extra in notes[1:3]:
            print(f"{'':66}{extra}")
    return worst


if __name__ == "__main__":
    sys.exit(main())
