"""Names and values from the scanned tree end up in messages. No output format may let
them inject markup, workflow commands or terminal control sequences."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.security.support import render_all

SERVICE = "svc<script>alert(1)</script>\\n::error file=pwned.py::INJECTED\\e]0;title\\a\\rX"


@pytest.fixture
def outputs(tmp_path: Path) -> dict[str, str]:
    root = tmp_path / "project"
    root.mkdir()
    (root / "docker-compose.yml").write_text(
        f'services:\n  "{SERVICE}":\n    command: mlflow server --host 0.0.0.0\n',
        encoding="utf-8",
    )
    (root / "<img src=x onerror=alert(2)>.Dockerfile").write_text(
        'FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
    )
    return render_all(root, tmp_path / "out")


def test_github_annotations_cannot_start_a_workflow_command(outputs: dict[str, str]) -> None:
    text = outputs["github"]
    assert "INJECTED" in text  # the hostile name is reported ...
    for line in text.splitlines():
        # ... but only ever inside a message: every line is one annotation or plain text
        assert "::error file=pwned.py" not in line or line.startswith("::error file=docker")
    assert not any(line.startswith("::error file=pwned.py") for line in text.splitlines())


def test_text_output_escapes_control_characters(outputs: dict[str, str]) -> None:
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outputs["text"])


def test_github_output_has_no_control_characters(outputs: dict[str, str]) -> None:
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", outputs["github"])


def test_reports_escape_markup(outputs: dict[str, str]) -> None:
    reports = {k: v for k, v in outputs.items() if k in ("report-html", "report-markdown")}
    for fmt, text in reports.items():
        assert "<script>alert(1)" not in text, fmt
        assert "<img src=x" not in text, fmt
