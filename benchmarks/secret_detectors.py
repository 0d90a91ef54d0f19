"""Secret detectors compared on a corpus of files ML teams commit.

    python benchmarks/secret_detectors.py [--repeat N] [--bin-dir DIR]

The corpus is written at run time into a temporary git repository (values come from a
seeded generator; nothing secret-looking is stored in this file): real-looking secrets in
.env, compose, Python, notebooks, shell, Kubernetes Secrets, Helm values, Terraform, CI,
.dvc/config, basic_auth.ini and MinIO / S3 client configs; and negatives: placeholders
(``<your-password>``, ``changeme``, ``${VAR}``, ``{{ .Values.x }}``), hashes (commit SHAs,
image digests, md5s), model names under keys that contain "token", notebook image
outputs and test values under ``tests/``.

A reported line counts as *detected* when it holds a planted secret, else as a *false
alarm*. Candidates:

* ``mlscan``: what a user sees - MLS-SEC-001 plus the secret findings of the DVC and MLflow
  controls (MLS-DVC-004, MLS-MLF-002, MLS-MLF-004), with mlscan's file selection, value
  shapes and Rego rules (placeholders, hashes, tests/ and defaults are not committed
  secrets; a default is MLS-SEC-003, low, not counted);
* ``bc-detect-secrets (raw)``: the library mlscan uses, every hit on every candidate file
  (the files mlscan reads, with its per-kind dialects), no filtering by mlscan;
* ``detect-secrets`` (Yelp, CLI ``scan --all-files``), ``trufflehog3`` (``--no-history``)
  and ``whispers``: run as commands from ``--bin-dir`` or PATH when installed (they
  conflict with mlscan's pins: install them in a separate virtual environment, e.g.
  ``python -m venv /tmp/sd && /tmp/sd/bin/pip install detect-secrets trufflehog3 whispers``
  then ``--bin-dir /tmp/sd/bin``).

Times are wall-clock for the whole corpus (median of ``--repeat`` runs), process start
included for the command-line tools.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

Lines = set[tuple[str, int]]
RNG = random.Random(2026)  # noqa: S311 - reproducible fake values, not secrets
ALNUM = string.ascii_letters + string.digits


def r(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def hexs(n: int) -> str:
    return r(n, "0123456789abcdef")


def corpus() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(files, [(path, planted secret value)])."""
    s = {
        k: v
        for k, v in {
            "mysql": r(18),
            "minio": r(24),
            "akia": "AKIA" + r(16, string.ascii_uppercase + "234567"),
            "aws": r(40, ALNUM + "/+"),
            "uri": r(16),
            "minio_py_ak": "AKIA" + r(16, string.ascii_uppercase),
            "minio_py_sk": r(40),
            "hf": "hf_" + r(34, string.ascii_letters),
            "sk": "sk-" + r(48),
            "ghp": "ghp_" + r(36),
            "wandb": hexs(40),
            "k8s": r(20),
            "k8s_b64": "",
            "helm": r(22),
            "nb": r(40, ALNUM + "/+"),
            "nb_out": "hf_" + r(34, string.ascii_letters),
            "tf": r(40, ALNUM + "/+"),
            "tfvars": r(18),
            "ci": r(20),
            "mc": r(40),
            "mc_ak": r(20),
            "s3cfg_ak": "AKIA" + r(16, string.ascii_uppercase),
            "s3cfg_sk": r(40, ALNUM + "/+"),
            "pem": base64.b64encode(RNG.randbytes(48)).decode(),
            "dvc": r(40, ALNUM + "/+"),
            "admin": r(16),
            "test": r(20),
        }.items()
    }
    s["k8s_b64"] = base64.b64encode(r(20).encode()).decode()
    png = base64.b64encode(RNG.randbytes(300)).decode()
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": [
                    "import os\n",
                    f'os.environ["AWS_SECRET_ACCESS_KEY"] = "{s["nb"]}"\n',
                    'tokenizer_name = "bert-base-uncased"',
                ],
                "outputs": [
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": [f"logged in with token {s['nb_out']}\n"],
                    }
                ],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "metadata": {},
                "source": ["plot()"],
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": png, "text/plain": ["<Figure>"]},
                    }
                ],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    files = {
        "deploy/.env": (
            f"MYSQL_USER=mlflow\nMYSQL_PASSWORD={s['mysql']}\nMINIO_ROOT_USER=mlops\n"
            f"MINIO_ROOT_PASSWORD={s['minio']}\nAWS_ACCESS_KEY_ID={s['akia']}\n"
            f"AWS_SECRET_ACCESS_KEY={s['aws']}\n"
        ),
        "deploy/.env.example": (
            "MYSQL_PASSWORD=<your-password>\nMINIO_ROOT_PASSWORD=changeme\n"
            "API_KEY=${API_KEY}\nHF_TOKEN=your_hf_token_here\n"
        ),
        "deploy/docker-compose.yml": (
            "services:\n  minio:\n"
            f"    image: quay.io/minio/minio@sha256:{hexs(64)}\n"
            "    environment:\n      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD:?}\n"
            "  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.14.1\n    command: >\n"
            f"      mlflow server --backend-store-uri postgresql://mlflow:{s['uri']}@db/mlflow\n"
        ),
        "src/storage.py": (
            "from minio import Minio\nimport os\n\n"
            f'client = Minio("minio:9000", access_key="{s["minio_py_ak"]}", '
            f'secret_key="{s["minio_py_sk"]}")\n'
            f'HF_TOKEN = "{s["hf"]}"\nOPENAI_API_KEY = "{s["sk"]}"\n'
            f'GITHUB_TOKEN = "{s["ghp"]}"\n'
            f'DEPLOY_KEY = """-----BEGIN OPENSSH PRIVATE KEY-----\n{s["pem"]}\n'
            '-----END OPENSSH PRIVATE KEY-----"""\n'
        ),
        "src/model.py": (
            "from transformers import AutoTokenizer\nimport os\n\n"
            "tokenizer = AutoTokenizer.from_pretrained(\n"
            f'    "bert-base-uncased", revision="{hexs(40)}")\n'
            f'EXPECTED_MD5 = "{hexs(32)}"\nRUN_ID = "{hexs(32)}"\n'
            'password = os.environ["DB_PASSWORD"]\n'
            'api_key = os.getenv("API_KEY", "")\n'
        ),
        "scripts/train.sh": f"#!/bin/sh\nexport WANDB_API_KEY={s['wandb']}\npython train.py\n",
        "k8s/secret.yaml": (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: mlflow-db\ntype: Opaque\n"
            f"stringData:\n  password: {s['k8s']}\ndata:\n  root-password: {s['k8s_b64']}\n"
        ),
        "k8s/serving.yaml": (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n"
            "  automountServiceAccountToken: false\n  containers:\n"
            f"    - name: api\n      image: acme/api@sha256:{hexs(64)}\n"
        ),
        "charts/mlflow/values.yaml": f"minio:\n  rootUser: mlops\n  rootPassword: {s['helm']}\n",
        "charts/mlflow/templates/minio.yaml": (
            "env:\n  - name: MINIO_ROOT_PASSWORD\n    value: {{ .Values.minio.rootPassword }}\n"
        ),
        "notebooks/eda.ipynb": json.dumps(notebook, indent=1) + "\n",
        "infra/main.tf": (
            'provider "aws" {\n  region     = "eu-west-1"\n'
            f'  secret_key = "{s["tf"]}"\n}}\n'
            'resource "aws_db_instance" "mlflow" {\n  password = var.db_password\n}\n'
            f'locals {{\n  model_sha256 = "{hexs(64)}"\n}}\n'
        ),
        "infra/prod.tfvars": f'db_password = "{s["tfvars"]}"\nregion = "eu-west-1"\n',
        ".github/workflows/train.yml": (
            "on: push\njobs:\n  train:\n    runs-on: ubuntu-latest\n    env:\n"
            f"      MLFLOW_TRACKING_PASSWORD: {s['ci']}\n"
            "      MLFLOW_TRACKING_TOKEN: ${{ secrets.MLFLOW_TOKEN }}\n"
            "    steps:\n      - run: python train.py\n"
        ),
        ".mc/config.json": json.dumps(
            {
                "version": "10",
                "aliases": {
                    "minio": {
                        "url": "http://minio:9000",
                        "accessKey": s["mc_ak"],
                        "secretKey": s["mc"],
                        "api": "s3v4",
                        "path": "auto",
                    }
                },
            },
            indent=1,
        )
        + "\n",
        ".s3cfg": f"[default]\naccess_key = {s['s3cfg_ak']}\nsecret_key = {s['s3cfg_sk']}\n",
        ".dvc/config": (
            "[core]\n    remote = store\n['remote \"store\"']\n    url = s3://acme/dvc\n"
            f"    secret_access_key = {s['dvc']}\n"
        ),
        "deploy/basic_auth.ini": (
            "[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///auth.db\n"
            f"admin_username = admin\nadmin_password = {s['admin']}\n"
        ),
        "params.yaml": (
            "featurize:\n  tokenizer: distilbert-base-uncased\n"
            f"  tokenizer_revision: {hexs(40)}\n"
        ),
        "dvc.lock": (
            "schema: '2.0'\nstages:\n  train:\n    outs:\n    - path: model.pkl\n"
            f"      md5: {hexs(32)}\n"
        ),
        "tests/test_store.py": (
            f'def test_login():\n    password = "{s["test"]}"\n    assert password\n'
        ),
    }
    planted = [
        ("deploy/.env", s["mysql"]),
        ("deploy/.env", s["minio"]),
        ("deploy/.env", s["akia"]),
        ("deploy/.env", s["aws"]),
        ("deploy/docker-compose.yml", s["uri"]),
        ("src/storage.py", s["minio_py_sk"]),
        ("src/storage.py", s["hf"]),
        ("src/storage.py", s["sk"]),
        ("src/storage.py", s["ghp"]),
        ("src/storage.py", "-----BEGIN OPENSSH PRIVATE KEY-----"),
        ("scripts/train.sh", s["wandb"]),
        ("k8s/secret.yaml", s["k8s"]),
        ("k8s/secret.yaml", s["k8s_b64"]),
        ("charts/mlflow/values.yaml", s["helm"]),
        ("notebooks/eda.ipynb", s["nb"]),
        ("notebooks/eda.ipynb", s["nb_out"]),
        ("infra/main.tf", s["tf"]),
        ("infra/prod.tfvars", s["tfvars"]),
        (".github/workflows/train.yml", s["ci"]),
        (".mc/config.json", s["mc"]),
        (".s3cfg", s["s3cfg_ak"]),
        (".s3cfg", s["s3cfg_sk"]),
        (".dvc/config", s["dvc"]),
        ("deploy/basic_auth.ini", s["admin"]),
    ]
    return files, planted


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@example.com",
    }
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "corpus"]):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def expected_lines(root: Path, planted: list[tuple[str, str]]) -> Lines:
    out: Lines = set()
    for rel, value in planted:
        lines = (root / rel).read_text(encoding="utf-8").splitlines()
        found = [i for i, line in enumerate(lines, start=1) if value in line]
        assert found, (rel, "planted value not found")
        out.add((rel, found[0]))
    return out


# ------------------------------------------------------------------------- candidates
def mlscan_findings(root: Path) -> Lines:
    from mlscan.scan import ScanOptions, run

    counted = {"MLS-SEC-001", "MLS-DVC-004", "MLS-MLF-002", "MLS-MLF-004"}
    result = run(ScanOptions(paths=(str(root),)))
    return {
        (f.location.path, f.location.start_line or 0)
        for f in result.findings
        if f.control.id in counted
    }


def bc_raw(root: Path) -> Lines:
    from mlscan.collectors.secrets.detector import scan_text
    from mlscan.collectors.secrets.files import classify

    out: Lines = set()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts):
        rel = path.relative_to(root).as_posix()
        kind = classify(rel)
        if kind is None:
            continue
        for hit in scan_text(path.read_text(encoding="utf-8"), kind[1]):
            out.add((rel, hit.line))
    return out


def _cli(cmd: list[str], cwd: Path) -> str:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    return proc.stdout


def yelp(binary: str) -> Callable[[Path], Lines]:
    def scan(root: Path) -> Lines:
        data = json.loads(_cli([binary, "scan", "--all-files", "."], root))
        return {
            (rel, item["line_number"]) for rel, items in data["results"].items() for item in items
        }

    return scan


def trufflehog3(binary: str) -> Callable[[Path], Lines]:
    def scan(root: Path) -> Lines:
        text = _cli([binary, "--no-history", "-z", "-f", "JSON", "."], root)
        data = json.loads(text or "[]")
        return {(item["path"].removeprefix("./"), int(item["line"])) for item in data}

    return scan


def whispers(binary: str) -> Callable[[Path], Lines]:
    def scan(root: Path) -> Lines:
        text = _cli([binary, str(root)], root)
        start = text.find("[{")
        data = json.loads(text[start:]) if start >= 0 else []
        return {
            (Path(item["file"]).relative_to(root).as_posix(), int(item["line"]))
            for item in data
            if int(item["line"]) > 0
        }

    return scan


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bin-dir", default=None, help="folder holding the command-line tools")
    args = ap.parse_args()

    def tool(name: str) -> str | None:
        if args.bin_dir:
            p = Path(args.bin_dir) / name
            return str(p) if p.exists() else None
        return shutil.which(name)

    files, planted = corpus()
    candidates: list[tuple[str, Callable[[Path], Lines] | None]] = [
        ("mlscan (bc-detect-secrets + mlscan rules)", mlscan_findings),
        ("bc-detect-secrets raw (mlscan's files)", bc_raw),
    ]
    for name, make in (
        ("detect-secrets", yelp),
        ("trufflehog3", trufflehog3),
        ("whispers", whispers),
    ):
        binary = tool(name)
        candidates.append((name, make(binary) if binary else None))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        write(root, files)
        expected = expected_lines(root, planted)
        print(f"corpus: {len(files)} files, {len(expected)} planted secrets\n")
        print("| detector | detected | missed | false alarms | time (s) |")
        print("|---|---|---|---|---|")
        for name, scan in candidates:
            if scan is None:
                print(f"| {name} | not installed | | | |")
                continue
            times = []
            reported: Lines = set()
            for _ in range(max(1, args.repeat)):
                t = time.perf_counter()
                reported = scan(root)
                times.append(time.perf_counter() - t)
            hit = expected & reported
            false = reported - expected
            print(
                f"| {name} | {len(hit)}/{len(expected)} | "
                f"{', '.join(f'{p}:{n}' for p, n in sorted(expected - reported)) or '-'} | "
                f"{len(false)} | {statistics.median(times):.2f} |"
            )
            if os.environ.get("BENCH_VERBOSE"):
                for p, n in sorted(false):
                    print(f"    false alarm {p}:{n}")


if __name__ == "__main__":
    main()
