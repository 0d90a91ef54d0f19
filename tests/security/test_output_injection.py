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


# C0 (ESC, BEL), C1 (NEL U+0085, CSI U+009B), bidi overrides and isolates, line separator
HOSTILE_CHARS = "\x1b\x07\x85\x9b\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028"
HOSTILE_NAME = "ev\x1b[31mil\x85x\x9b2J\u202etxt.\u2066y\u2069"
HUMAN = ("text", "github", "report-html", "report-markdown")


@pytest.fixture
def unicode_outputs(tmp_path: Path) -> dict[str, str]:
    root = tmp_path / "project"
    root.mkdir()
    (root / f"{HOSTILE_NAME}.Dockerfile").write_text(
        'FROM python:3.12-slim\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n'
    )
    (root / "docker-compose.yml").write_text(
        'services:\n  "svc\\e]0;owned\\a\\N\\x9b\\u202e\\u2066\\u2028":\n'
        # a published image: the hostile-named Dockerfile's default command is judged too
        "    image: ghcr.io/mlflow/mlflow:v2.9.2\n"
        "    command: mlflow server --host 0.0.0.0\n",
        encoding="utf-8",
    )
    return render_all(root, tmp_path / "out")


@pytest.mark.parametrize("fmt", HUMAN)
def test_human_outputs_escape_c1_bidi_and_terminal_codes(
    unicode_outputs: dict[str, str], fmt: str
) -> None:
    text = unicode_outputs[fmt]
    raw = sorted({f"U+{ord(c):04X}" for c in text if c in HOSTILE_CHARS})
    assert raw == [], f"{fmt} carries {raw}"
    # ... and the hostile names are still reported, made visible
    assert "il\\x85x\\x9b2J\\u202etxt" in text.replace("\\\\", "\\"), fmt
    assert "ev\\x1b" in text.replace("\\\\", "\\"), fmt
    assert "\\x9b" in text.replace("\\\\", "\\") and "\\u2066" in text.replace("\\\\", "\\")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_outputs_stay_valid_and_lossless(unicode_outputs: dict[str, str], fmt: str) -> None:
    import json
    from urllib.parse import unquote

    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node, unquote(node)]  # SARIF carries paths as URIs
        if isinstance(node, dict):
            return [s for v in node.values() for s in strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return []

    doc = json.loads(unicode_outputs[fmt])
    assert any(s.endswith(f"{HOSTILE_NAME}.Dockerfile") for s in strings(doc))


def test_github_keeps_escaping_newlines_its_own_way() -> None:
    from mlscan.reporters.github import escape_data

    assert escape_data("a\nb\r\x85c\u202e%") == "a%0Ab%0D\\x85c\\u202e%25"
