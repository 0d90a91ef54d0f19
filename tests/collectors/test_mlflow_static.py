"""The MLflow deployment collector and its controls, on small real-shaped fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlscan.collectors.mlflow.cmd import find_invocations, redact_uri, split_shell, uri_has_password
from mlscan.scan import ScanOptions, collect_facts, run

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "mlflow"


def _findings(root: Path) -> list[tuple[str, str, int | None, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return [
        (f.control.id, f.location.path, f.location.start_line, f.location.start_col)
        for f in result.findings
    ]


def test_insecure_deployment_findings_at_exact_flag_lines() -> None:
    assert _findings(FIX / "insecure") == [
        ("MLS-MLF-003", "basic_auth.ini", 2, 1),
        ("MLS-MLF-002", "basic_auth.ini", 5, 1),
        ("MLS-MLF-004", "deploy/docker-compose.yml", 5, 7),
        ("MLS-MLF-006", "deploy/docker-compose.yml", 7, 12),
        ("MLS-MLF-001", "deploy/docker-compose.yml", 10, 7),
        ("MLS-MLF-004", "deploy/docker-compose.yml", 12, 7),
        ("MLS-MLF-005", "deploy/docker-compose.yml", 14, 7),
        ("MLS-MLF-001", "k8s/mlflow.yaml", 13, 15),
        ("MLS-MLF-005", "k8s/mlflow.yaml", 14, 15),
        ("MLS-MLF-004", "k8s/mlflow.yaml", 17, 21),
    ]


def test_hardened_deployment_is_clean() -> None:
    assert _findings(FIX / "hardened") == []


def test_facts_never_contain_the_password() -> None:
    fr = collect_facts((str(FIX / "insecure"),))
    doc = json.dumps(fr.facts)
    assert "FAKEPASSWORD" not in doc
    assert "password1234" not in doc
    server = next(s for s in fr.facts["mlflow"]["servers"] if s["source"] == "compose")
    assert server["backend_store_uri"] == "postgresql://mlflow:***@db/mlflow"
    assert server["backend_store_uri_has_password"] is True
    assert server["host"] == "0.0.0.0"
    assert server["auth_enabled"] is False
    assert server["mlflow_version_parts"] == [2, 9, 1]


@pytest.mark.parametrize(
    ("command", "kind", "flags"),
    [
        (
            "mlflow server --host 0.0.0.0 --port=5000",
            "server",
            [("--host", "0.0.0.0"), ("--port", "5000")],
        ),
        ("sh -c 'pip install x && mlflow ui -h 0.0.0.0'", "ui", [("--host", "0.0.0.0")]),
        (
            "exec python -m mlflow models serve -m models:/m/1 --no-conda",
            "models-serve",
            [("--model-uri", "models:/m/1"), ("--no-conda", None)],
        ),
        (
            "mlflow server --serve-artifacts --app-name basic-auth",
            "server",
            [("--serve-artifacts", None), ("--app-name", "basic-auth")],
        ),
    ],
)
def test_command_parsing(command: str, kind: str, flags: list[tuple[str, str | None]]) -> None:
    (inv,) = find_invocations(split_shell(command))
    assert inv.kind == kind
    assert list(inv.flags) == flags


def test_uri_redaction() -> None:
    assert redact_uri("postgresql://u:s3cr3t@db:5432/x?sslmode=require") == (
        "postgresql://u:***@db:5432/x?sslmode=require"
    )
    assert uri_has_password("mysql://u:p@h/db")
    assert not uri_has_password("mysql://u:${DB_PASSWORD}@h/db")
    assert not uri_has_password("sqlite:///mlflow.db")


def test_malformed_yaml_is_a_notification(tmp_path: Path) -> None:
    (tmp_path / "compose.yml").write_text("services:\n  mlflow: [unclosed\n")
    (tmp_path / "basic_auth.ini").write_text("[mlflow]\nadmin_password = password1234\n")
    result = run(ScanOptions(paths=(str(tmp_path),)))
    assert [(n.path, n.kind) for n in result.notifications] == [("compose.yml", "parse-error")]
    # absent default_permission means READ (MLflow default), reported at the section
    assert [(f.control.id, f.location.start_line) for f in result.findings] == [
        ("MLS-MLF-003", 1),
        ("MLS-MLF-002", 2),
    ]


def test_dockerfile_and_systemd(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12-slim\nRUN pip install mlflow==2.2.0\n"
        'CMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
    )
    (tmp_path / "mlflow.service").write_text(
        "[Service]\nExecStart=/usr/local/bin/mlflow server \\\n"
        "    --host 0.0.0.0 --app-name basic-auth\n"
    )
    assert _findings(tmp_path) == [
        ("MLS-MLF-006", "Dockerfile", 2, 17),
        ("MLS-MLF-001", "Dockerfile", 3, 27),
    ]
