"""Committed secrets (detect-secrets), what they unlock, and MLS-SEC-001/002/003.

The project is a real git repository: a ``.env`` committed before ``.gitignore`` learnt
to ignore it, compose interpolation from that ``.env``, the same MinIO key in Python, a
shell script, a notebook, Helm values feeding a template, a Kubernetes Secret read with
``secretKeyRef``, placeholders, references and test values. Secret values are built at
run time from a seeded generator; none is written in this file."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest

from mlscan.collectors.dvc.collector import DvcCollector
from mlscan.collectors.mlflow.collector import MlflowCollector
from mlscan.collectors.secrets.collector import SecretsCollector
from mlscan.collectors.secrets.files import classify
from mlscan.collectors.secrets.link import link
from mlscan.collectors.secrets.values import key_for, key_is_secret_name, value_kind
from mlscan.collectors.workspace_facts import WorkspaceCollector
from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, collect_facts, run
from tests.helpers import git

RNG = random.Random(1907)


def fake(n: int = 20, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


MYSQL = fake()
MINIO = fake()
AWS_SECRET = fake(40, string.ascii_letters + string.digits + "/+")
HF = "hf_" + fake(34, string.ascii_letters)
HELM = fake()
K8S = fake()
TESTS = fake()
VALUES = (MYSQL, MINIO, AWS_SECRET, HF, HELM, K8S, TESTS)

COLLECTORS = (WorkspaceCollector(), MlflowCollector(), DvcCollector(), SecretsCollector())


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def notebook(cells: list[list[str]]) -> str:
    """A notebook as Jupyter writes it: one JSON string per source line."""
    doc = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
             "source": lines}
            for lines in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(doc, indent=1) + "\n"


def build(root: Path) -> None:
    write(root, ".gitignore", "__pycache__/\n")
    write(root, "deploy/.env", "\n".join([
        "# stack settings",                      # 1
        "MYSQL_USER=mlflow",                     # 2
        f"MYSQL_PASSWORD={MYSQL}",               # 3
        "MINIO_ROOT_USER=mlops",                 # 4
        f"MINIO_ROOT_PASSWORD={MINIO}",          # 5
        "PLACEHOLDER_TOKEN=<your-token>",        # 6
        "API_PASSWORD=changeme",                 # 7
    ]) + "\n")
    write(root, "deploy/.env.example", "MYSQL_PASSWORD=<your-password>\nMINIO_ROOT_PASSWORD=\n")
    write(root, "deploy/docker-compose.yml", """\
services:
  minio:
    image: quay.io/minio/minio:RELEASE.2024-05-01T01-11-10Z
    command: server /data
    environment:
      MINIO_ROOT_USER: ${MINIO_ROOT_USER}
      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD}
  mlflow:
    image: ghcr.io/mlflow/mlflow:v2.14.1
    command: >
      mlflow server --host 127.0.0.1
      --backend-store-uri mysql+pymysql://mlflow:${MYSQL_PASSWORD}@db:3306/mlflow
      --default-artifact-root s3://mlflow
    environment:
      - AWS_SECRET_ACCESS_KEY=${MINIO_ROOT_PASSWORD}
      - MLFLOW_S3_ENDPOINT_URL=http://minio:9000
""")
    write(root, "src/store.py", f"""\
from minio import Minio


def client():
    return Minio("minio:9000", access_key="mlops", secret_key="{MINIO}")
""")
    write(root, "scripts/upload.sh", f"""\
#!/bin/sh
export AWS_SECRET_ACCESS_KEY="{AWS_SECRET}"
aws s3 cp model.onnx s3://models/
""")
    write(root, "notebooks/explore.ipynb", notebook([
        ["import os\n", "os.environ['HF_HOME'] = '/tmp/hf'"],
        ["# login to the hub\n", f"HF_TOKEN = \"{HF}\"\n", "print(len(HF_TOKEN))"],
    ]))
    write(root, "charts/mlflow/Chart.yaml", "apiVersion: v2\nname: mlflow\nversion: 0.1.0\n")
    write(root, "charts/mlflow/values.yaml", f"minio:\n  rootUser: mlops\n  rootPassword: {HELM}\n")
    write(root, "charts/mlflow/templates/minio.yaml", """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-minio
spec:
  template:
    spec:
      containers:
        - name: minio
          image: quay.io/minio/minio:RELEASE.2024-05-01T01-11-10Z
          env:
            - name: MINIO_ROOT_PASSWORD
              value: {{ .Values.minio.rootPassword | quote }}
""")
    write(root, "k8s/db-secret.yaml", f"""\
apiVersion: v1
kind: Secret
metadata:
  name: mlflow-db
type: Opaque
stringData:
  db-password: {K8S}
""")
    write(root, "k8s/db.yaml", """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mlflow-db
spec:
  template:
    spec:
      containers:
        - name: postgres
          image: postgres:16.3
          env:
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: mlflow-db
                  key: db-password
""")
    write(root, "tests/fixtures/.env", f"MYSQL_PASSWORD={TESTS}\n")
    write(root, "deploy/compose.override.yml", """\
services:
  mlflow:
    environment:
      MLFLOW_TRACKING_PASSWORD: ${MLFLOW_TRACKING_PASSWORD:?set it}
      HELM_LIKE: "{{ mlflow_password }}"
""")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "project")
    # the ignore rule comes after the .env was committed
    write(root, ".gitignore", "__pycache__/\n.env\n")
    git(root, "commit", "-qam", "ignore .env")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets")
    build(root)
    return root


@pytest.fixture(scope="module")
def result(project: Path) -> ScanResult:
    return run(ScanOptions(paths=(str(project),), collectors=COLLECTORS))


def _sec(result: ScanResult) -> dict[tuple[str, str, int | None], str]:
    return {
        (f.control.id, f.location.path, f.location.start_line): f.message
        for f in result.findings
        if f.control.id.startswith("MLS-SEC-")
    }


def test_exact_findings(result: ScanResult) -> None:
    assert sorted(_sec(result), key=str) == sorted([
        ("MLS-SEC-001", "charts/mlflow/values.yaml", 3),
        ("MLS-SEC-001", "deploy/.env", 3),
        ("MLS-SEC-001", "deploy/.env", 5),
        ("MLS-SEC-001", "k8s/db-secret.yaml", 7),
        ("MLS-SEC-001", "notebooks/explore.ipynb", 20),
        ("MLS-SEC-001", "scripts/upload.sh", 2),
        ("MLS-SEC-001", "src/store.py", 5),
        ("MLS-SEC-002", "deploy/.env", None),
        ("MLS-SEC-003", "deploy/.env", 7),
    ], key=str)


def test_messages_name_what_the_secret_unlocks(result: ScanResult) -> None:
    msgs = _sec(result)
    assert msgs[("MLS-SEC-001", "deploy/.env", 3)] == (
        "deploy/.env L3 `MYSQL_PASSWORD` (Secret Keyword) is committed: it is the password in "
        "the MLflow backend-store URI of service 'mlflow' (deploy/docker-compose.yml L12) "
        "(git tracks it although .gitignore ignores the file)"
    )
    assert msgs[("MLS-SEC-001", "deploy/.env", 5)] == (
        "deploy/.env L5 `MINIO_ROOT_PASSWORD` (Secret Keyword) is committed: it is the MinIO "
        "root credentials of the artifact store (service 'minio') (deploy/docker-compose.yml "
        "L7); and the artifact-store credentials (AWS_SECRET_ACCESS_KEY) of the MLflow server "
        "'mlflow' (deploy/docker-compose.yml L15) (git tracks it although .gitignore ignores "
        "the file) (the same value is also in src/store.py L5)"
    )
    assert msgs[("MLS-SEC-001", "charts/mlflow/values.yaml", 3)].endswith(
        "is committed: it is the MinIO root credentials of the artifact store (service "
        "'mlflow') (charts/mlflow/templates/minio.yaml L13)"
    )
    assert msgs[("MLS-SEC-001", "k8s/db-secret.yaml", 7)].endswith(
        "is committed: it is the database password of service 'mlflow-db' (k8s/db.yaml L12)"
    )
    assert msgs[("MLS-SEC-002", "deploy/.env", None)] == (
        "deploy/.env is tracked by git although .gitignore ignores it, and holds API_PASSWORD, "
        "MINIO_ROOT_PASSWORD, MYSQL_PASSWORD"
    )
    assert msgs[("MLS-SEC-003", "deploy/.env", 7)] == (
        "deploy/.env L7 sets `API_PASSWORD` to a well-known default value"
    )


def test_notebook_line_is_the_line_in_the_ipynb_file(project: Path, result: ScanResult) -> None:
    lines = (project / "notebooks/explore.ipynb").read_text(encoding="utf-8").splitlines()
    assert "HF_TOKEN = " in lines[20 - 1]


def test_no_secret_value_in_facts_or_findings(project: Path, result: ScanResult) -> None:
    facts = json.dumps(collect_facts((str(project),), None, collectors=COLLECTORS).facts)
    text = facts + "".join(f.message for f in result.findings)
    for value in VALUES:
        assert value not in text


def test_facts_record_shape_not_value(project: Path) -> None:
    facts = collect_facts((str(project),), None, collectors=COLLECTORS).facts["secrets"]
    by_place = {(s["loc"]["path"], s["loc"]["line"]): s for s in facts["secrets"]}
    env = by_place[("deploy/.env", 5)]
    assert env["key"] == "MINIO_ROOT_PASSWORD"
    assert env["tracked"] is True and env["ignored_by_gitignore"] is True
    assert env["value_group"] == by_place[("src/store.py", 5)]["value_group"] == "g1"
    assert ("deploy/.env", 6) not in by_place  # detect-secrets drops `<your-token>` itself
    assert by_place[("deploy/.env", 7)]["value_kind"] == "default"
    assert by_place[("k8s/db-secret.yaml", 7)]["k8s_secret"] == {
        "name": "mlflow-db", "key": "db-password"}
    assert by_place[("charts/mlflow/values.yaml", 3)]["values_path"] == "minio.rootPassword"
    assert by_place[("notebooks/explore.ipynb", 20)]["cell"] == {
        "index": 1, "kind": "code", "line": 2}
    # placeholders, references and the example file hold no literal secret
    assert not [s for s in facts["secrets"]
                if s["loc"]["path"] in ("deploy/.env.example", "deploy/compose.override.yml")
                and s["value_kind"] == "literal"]
    vias = sorted({(x["via"], x["secret"]["loc"]["path"]) for x in facts["links"]})
    assert vias == [
        ("compose-interpolation", "deploy/.env"),
        ("helm-values", "charts/mlflow/values.yaml"),
        ("kubernetes-secretKeyRef", "k8s/db-secret.yaml"),
    ]


def test_link_is_a_pure_function_of_the_document() -> None:
    loc = {"path": "ops/.env", "line": 2, "col": None, "end_line": 2, "end_col": None}
    doc = {"secrets": {
        "secrets": [{"key": "DB_PASS", "file_kind": "dotenv", "detectors": ["Secret Keyword"],
                     "loc": loc, "k8s_secret": None, "values_path": None}],
        "references": [
            {"kind": "compose", "var": "DB_PASS", "env_files": ["ops/.env"],
             "target": {"service": "db"}, "loc": {"path": "ops/compose.yml", "line": 9}},
            {"kind": "compose", "var": "DB_PASS", "env_files": ["other/.env"],
             "target": {"service": "x"}, "loc": {"path": "other/compose.yml", "line": 1}},
        ],
    }}
    links = link(doc)
    assert [(x["target"]["service"], x["target_loc"]["line"]) for x in links] == [("db", 9)]


@pytest.mark.parametrize(("line", "value", "expected"), [
    ("MYSQL_PASSWORD=abc", "abc", ("MYSQL_PASSWORD", None)),
    ("export MINIO_SECRET_KEY=\"abc\"", "abc", ("MINIO_SECRET_KEY", None)),
    ("  - MLFLOW_TRACKING_PASSWORD=abc", "abc", ("MLFLOW_TRACKING_PASSWORD", None)),
    ("--backend-store-uri mysql://u:abc@db/m", "abc", ("backend-store-uri", "password")),
    ("os.environ[\"AWS_SECRET_ACCESS_KEY\"] = \"abc\"", "abc", ("AWS_SECRET_ACCESS_KEY", None)),
    ("Minio(\"h\", access_key=\"a\", secret_key=\"abc\")", "abc", ("secret_key", None)),
    ("image: acme/bert-tokenizer:latest", "latest", ("bert-tokenizer", None)),
    ("  \"secretKey\": \"abc\",", "abc", ("secretKey", None)),
])
def test_key_for(line: str, value: str, expected: tuple[str | None, str | None]) -> None:
    assert key_for(line, value) == expected


@pytest.mark.parametrize(("value", "kind"), [
    ("${MYSQL_PASSWORD}", "reference"), ("{{ .Values.pw }}", "reference"),
    ("<your-token>", "placeholder"), ("example-secret", "placeholder"), ("xxxxxx", "placeholder"),
    ("changeme", "default"), ("minioadmin", "default"), ("password1234", "default"),
    ("token", "placeholder"), ("pw", "placeholder"), ("%s", "reference"),
    ("tls_private_key.mlflow.private_key_pem", "reference"), ("../pem/mlflow.pem", "path"),
    ("file(", "reference"),
    ("0123456789abcdef0123456789abcdef01234567", "hash"), ("false", "scalar"), ("1.5.0", "scalar"),
    ("Zq8rT5yU1iO3pA6s", "literal"), ("https://oauth2.acme.io/token", "url"),
    ("https://models.acme.io/m?token=Zq8rT5yU1iO3", "literal"),
    ("tracking.auth.enabled", "scalar"), ("ALL", "scalar"), ("same", "scalar"),
    ("execution['token'", "reference"), ("!Ref NotebookRepo }", "reference"),
    ("role/service-role/SageMakerExecution-20240101T000000", "path"),
    ("arn:aws:iam::123456789012:role/train", "path"),
])
def test_value_kind(value: str, kind: str) -> None:
    assert value_kind(value) == kind


@pytest.mark.parametrize(("key", "secret"), [
    ("next_page_token", False), ("MLFLOW_TRACKING_TOKEN", True), ("auth_key", True),
    ("api_key_name", False),
])
def test_key_names_a_credential(key: str, secret: bool) -> None:
    assert key_is_secret_name(key) is secret


@pytest.mark.parametrize(("rel", "kind"), [
    (".env", "dotenv"), ("deploy/.env.prod", "dotenv"), ("docker-compose.yml", "compose"),
    ("compose.override.yaml", "compose"), (".github/workflows/train.yml", "ci"),
    ("charts/x/values.yaml", "helm-values"), ("infra/prod.tfvars", "terraform"),
    ("nb/eda.ipynb", "notebook"), ("scripts/run.sh", "shell"), (".dvc/config", "dvc"),
    ("deploy/basic_auth.ini", "mlflow"), (".mc/config.json", "s3-client"),
    ("minio-credentials.json", "s3-client"), (".s3cfg", "s3-client"),
    ("data/.minio.sys/config/iam/users/ml/identity.json", "s3-client"),
    ("README.md", "markdown"), ("data/train.csv", None),
])
def test_candidate_files(rel: str, kind: str | None) -> None:
    found = classify(rel)
    assert (found[0] if found else None) == kind


def test_required_variable_reference_is_not_a_literal_credential(result: ScanResult) -> None:
    # `${VAR:?message}` (compose's required-variable form) references the environment
    assert not [f for f in result.findings if f.location.path == "deploy/compose.override.yml"]


def test_readme_code_blocks_are_read_prose_is_not(tmp_path: Path) -> None:
    token = fake(40, "0123456789abcdef")
    write(tmp_path, "README.md", "\n".join([
        "# Tracking",                                               # 1
        f"Our password is MLFLOW_TRACKING_PASSWORD={fake()} here",  # 2 prose: not read
        "```bash",                                                  # 3
        "export MLFLOW_TRACKING_USERNAME=alice",                    # 4
        f"export MLFLOW_TRACKING_PASSWORD={token}",                 # 5
        "export DB_PASSWORD=<your-password>",                       # 6
        "```",                                                      # 7
    ]) + "\n")
    found = run(ScanOptions(paths=(str(tmp_path),), collectors=(SecretsCollector(),)))
    assert [(f.control.id, f.location.path, f.location.start_line) for f in found.findings] == [
        ("MLS-SEC-001", "README.md", 5)]
