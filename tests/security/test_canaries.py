"""Secret redaction: unique canary secrets planted in every place a collector reads
secrets from must never appear in any output mlscan produces (every scan format, the
fact document, notifications and, once it exists, every ``mlscan report`` format).

The tree is built for every source family, including those whose collector is not
registered yet: the test covers each collector as soon as it lands."""

from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

from mlscan.collectors.registry import COLLECTORS
from tests.security.support import SENTINEL, findings, render_all, scan

FAMILIES = {c.family for c in COLLECTORS}
# Values that only a bucket policy carries: a Referer condition used as a shared secret.
POLICY_PLACES = ("tf:policy-referer", "policy:referer")


class Canaries:
    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}

    def __call__(self, place: str) -> str:
        token = f"CANARY{uuid.uuid4().hex}"
        self.tokens[place] = token
        return token


def _iban(rng: random.Random) -> str:
    bban = "37040044" + "".join(str(rng.randrange(10)) for _ in range(10))
    digits = int(bban + "131400")  # DE00 -> D=13 E=14 00
    check = 98 - digits % 97
    return f"DE{check:02d}{bban}"


def build_tree(root: Path, c: Canaries) -> dict[str, str]:
    """Write a realistic, secret-laden project; return {place: literal value}."""
    extra: dict[str, str] = {}
    w = lambda rel, text: (  # noqa: E731
        (root / rel).parent.mkdir(parents=True, exist_ok=True),
        (root / rel).write_text(text, encoding="utf-8"),
    )
    # --- DVC: every secret option DVC knows for its remotes
    # every option DVC's config schema defines as a credential, plus custom headers
    dvc_keys = (
        "access_key_id",
        "secret_access_key",
        "session_token",
        "sse_customer_key",
        "account_key",
        "sas_token",
        "connection_string",
        "client_secret",
        "password",
        "passphrase",
        "token",
        "oss_key_id",
        "oss_key_secret",
        "gdrive_client_secret",
        "api_token",
    )
    remote = "\n".join(f"    {k} = {c('dvc:' + k)}" for k in dvc_keys)
    w(
        ".dvc/config",
        f"[core]\n    remote = storage\n['remote \"storage\"']\n"
        f"    url = s3://acme-models/dvc\n{remote}\n"
        f"['remote \"web\"']\n    url = https://dvc:{c('dvc:url-password')}@mirror.acme.io/store\n",
    )
    w(".dvc/config.local", f"['remote \"storage\"']\n    secret_access_key = {c('dvc:local')}\n")
    w("data/train.csv.dvc", "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  path: train.csv\n")
    # --- MLflow deployment: URIs, compose and Kubernetes environment, basic_auth.ini
    w(
        "deploy/docker-compose.yml",
        f"""services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: {c("compose:POSTGRES_PASSWORD")}
      AWS_SECRET_ACCESS_KEY: {c("compose:AWS_SECRET_ACCESS_KEY")}
  mlflow:
    image: ghcr.io/mlflow/mlflow:v2.9.1
    command: >
      mlflow server --host 0.0.0.0
      --backend-store-uri postgresql://mlflow:{c("mlflow:backend-uri")}@db/mlflow
      --default-artifact-root s3://acme-models/mlflow
    environment:
      - MLFLOW_TRACKING_URI=https://u:{c("compose:tracking-uri")}@mlflow.acme.io
      - MLFLOW_TRACKING_PASSWORD={c("compose:MLFLOW_TRACKING_PASSWORD")}
      - MLFLOW_TRACKING_TOKEN={c("compose:MLFLOW_TRACKING_TOKEN")}
""",
    )
    w(
        "k8s/mlflow.yaml",
        f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: mlflow
spec:
  template:
    spec:
      containers:
        - name: server
          image: ghcr.io/mlflow/mlflow:v2.12.1
          command: ["mlflow", "server", "--host=0.0.0.0"]
          env:
            - name: MLFLOW_BACKEND_STORE_URI
              value: mysql+pymysql://mlflow:{c("k8s:backend-uri")}@mysql:3306/mlflow
            - name: DB_PASSWORD
              value: "{c("k8s:DB_PASSWORD")}"
            - name: AWS_SECRET_ACCESS_KEY
              value: {c("k8s:AWS_SECRET_ACCESS_KEY")}
---
apiVersion: v1
kind: Secret
metadata:
  name: mlflow-db
stringData:
  password: {c("k8s:secret-stringData")}
""",
    )
    w(
        "basic_auth.ini",
        f"""[mlflow]
default_permission = READ
database_uri = postgresql://auth:{c("ini:database_uri")}@db/auth
admin_username = admin
admin_password = {c("ini:admin_password")}
""",
    )
    w(
        "Dockerfile",
        'FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
        f"ENV MLFLOW_TRACKING_PASSWORD={c('dockerfile:ENV')}\n",
    )
    w(
        "scripts/serve.sh",
        "#!/bin/sh\nexec mlflow server --host 0.0.0.0 "
        f"--backend-store-uri postgresql://m:{c('script:uri')}@db/m\n",
    )
    # --- Terraform: a password variable default, provider keys, a bucket and policy
    w(
        "infra/main.tf",
        f"""provider "aws" {{
  region     = "eu-west-1"
  access_key = "{c("tf:provider-access_key")}"
  secret_key = "{c("tf:provider-secret_key")}"
}}

variable "db_password" {{
  type    = string
  default = "{c("tf:variable-default")}"
}}

resource "aws_db_instance" "mlflow" {{
  engine   = "postgres"
  username = "mlflow"
  password = "{c("tf:db-password")}"
}}

resource "aws_s3_bucket" "models" {{
  bucket = "acme-models"
}}

resource "aws_s3_bucket_policy" "models" {{
  bucket = aws_s3_bucket.models.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::acme-models/*"
      Condition = {{ StringEquals = {{ "aws:Referer" = "{c("tf:policy-referer")}" }} }}
    }}]
  }})
}}
""",
    )
    # --- bucket policy JSON: a Referer header used as a shared secret
    w(
        "policies/models-bucket.json",
        f"""{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Sid": "AllowCdn",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::acme-models/*",
      "Condition": {{"StringLike": {{"aws:Referer": "{c("policy:referer")}"}}}}
    }}
  ]
}}
""",
    )
    # --- dataset values: emails and IBANs a privacy detector samples
    rng = random.Random(7)
    rows = ["customer_id,email,iban,amount"]
    for i in range(40):
        email = f"{c(f'data:email{i}').lower()}@example.com"
        iban = _iban(rng)
        extra[f"data:iban{i}"] = iban
        rows.append(f"{i},{email},{iban},{rng.randrange(1000)}")
    w("data/customers.csv", "\n".join(rows) + "\n")
    w(
        "data/customers.jsonl",
        "\n".join(
            f'{{"email": "{c(f"data:jsonl{i}").lower()}@example.org", "name": "A B"}}'
            for i in range(10)
        )
        + "\n",
    )
    # --- committed secrets in the files ML teams commit (the secrets collector)
    w(
        "deploy/.env",
        f"MYSQL_PASSWORD={c('env:MYSQL_PASSWORD')}\nMINIO_ROOT_PASSWORD={c('env:MINIO')}\n",
    )
    w(
        "deploy/compose.minio.yml",
        "services:\n  minio:\n    image: quay.io/minio/minio\n    environment:\n"
        "      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD}\n",
    )
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "metadata": {},
                "source": [f'AWS_SECRET_ACCESS_KEY = "{c("nb:code")}"\n', "print(1)"],
                "outputs": [
                    {
                        "output_type": "stream",
                        "name": "stdout",
                        "text": [f'MLFLOW_TRACKING_TOKEN="{c("nb:output")}"\n'],
                    }
                ],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    w("notebooks/train.ipynb", json.dumps(notebook, indent=1) + "\n")
    w("scripts/upload.sh", f"#!/bin/sh\nexport MINIO_SECRET_KEY={c('shell:export')}\n")
    w("charts/mlflow/values.yaml", f"minio:\n  rootPassword: {c('helm:values')}\n")
    w(
        "charts/mlflow/templates/minio.yaml",
        "env:\n  - name: MINIO_ROOT_PASSWORD\n    value: {{ .Values.minio.rootPassword }}\n",
    )
    w(
        ".mc/config.json",
        json.dumps(
            {
                "aliases": {
                    "minio": {
                        "url": "http://minio:9000",
                        "accessKey": c("mc:accessKey"),
                        "secretKey": c("mc:secretKey"),
                    }
                }
            },
            indent=1,
        ),
    )
    w(".s3cfg", f"[default]\nsecret_key = {c('s3cfg:secret_key')}\n")
    w(
        "minio-data/.minio.sys/config/iam/users/ml/identity.json",
        json.dumps(
            {"version": 1, "credentials": {"accessKey": "ml", "secretKey": c("minio:identity")}},
            indent=1,
        ),
    )
    # the same identity file as MinIO stores it inline in xl.meta (since 2021)
    from tests.collectors.test_minio_xl import xl_meta

    inline = root / "minio-data/.minio.sys/config/iam/users/ops/identity.json/xl.meta"
    inline.parent.mkdir(parents=True, exist_ok=True)
    inline.write_bytes(xl_meta({"null": json.dumps(
        {"version": 1, "credentials": {"accessKey": "ops", "secretKey": c("minio:xl.meta")}}
    ).encode()}))
    w(
        "src/storage.py",
        "from minio import Minio\n"
        f'client = Minio("minio:9000", access_key="ak", secret_key="{c("py:minio")}")\n',
    )
    w(
        "src/train.py",
        "from transformers import AutoModel\n"
        f'model = AutoModel.from_pretrained("acme/base", token="{c("py:hf-token")}")\n',
    )
    w("infra/prod.tfvars", f'db_password = "{c("tfvars:db_password")}"\n')
    w(
        ".github/workflows/train.yml",
        "on: push\njobs:\n  train:\n    runs-on: ubuntu-latest\n    env:\n"
        f"      MLFLOW_TRACKING_PASSWORD: {c('ci:env')}\n    steps:\n      - run: make\n",
    )
    return extra


# files where the secrets collector must find a planted canary (the test above would pass
# vacuously for a source nobody reads)
SECRET_SOURCES = (
    "deploy/.env",
    "notebooks/train.ipynb",
    "scripts/upload.sh",
    "charts/mlflow/values.yaml",
    ".mc/config.json",
    ".s3cfg",
    "minio-data/.minio.sys/config/iam/users/ml/identity.json",
    "minio-data/.minio.sys/config/iam/users/ops/identity.json/xl.meta",
    "src/storage.py",
    "infra/prod.tfvars",
    ".github/workflows/train.yml",
)


def test_secret_sources_are_read(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    build_tree(root, Canaries())
    result = scan(root)
    found = {f.location.path for f in result.findings if f.control.id == "MLS-SEC-001"}
    assert sorted(set(SECRET_SOURCES) - found) == []


def _needles(value: str) -> list[str]:
    if value.startswith("CANARY"):
        hexpart = value[len("CANARY") :]
        return [hexpart[:10], hexpart[-10:]]
    return [value, value[4:]]  # IBAN, and its BBAN without the country and check digits


def test_no_canary_in_any_output(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    c = Canaries()
    extra = build_tree(root, c)
    outputs = render_all(root, tmp_path)
    assert {"json", "sarif", "text", "github", "facts"} <= set(outputs)
    values = {p: v for p, v in {**c.tokens, **extra}.items() if p not in POLICY_PLACES}
    leaks = sorted(
        (place, fmt)
        for fmt, text in outputs.items()
        for place, value in values.items()
        if any(n.lower() in text.lower() for n in _needles(value))
    )
    assert leaks == []
    assert SENTINEL in findings(scan(root))


def test_canaries_are_detectable(tmp_path: Path) -> None:
    """The grep can fail: a planted value that mlscan legitimately echoes (a file path)
    is found by the same check."""
    root = tmp_path / "project"
    root.mkdir()
    c = Canaries()
    build_tree(root, c)
    marker = c("path")
    (root / f"{marker}.yml").write_text("services: {mlflow: {command: [unclosed\n")
    outputs = render_all(root, tmp_path)
    assert any(marker[len("CANARY") :][:10] in text for text in outputs.values())


def test_no_policy_condition_secret_in_any_output(tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    c = Canaries()
    build_tree(root, c)
    outputs = render_all(root, tmp_path)
    leaks = sorted(
        (place, fmt)
        for fmt, text in outputs.items()
        for place in POLICY_PLACES
        if any(n in text.lower() for n in _needles(c.tokens[place]))
    )
    assert leaks == []
