"""A constant named like a secret that holds a sentence (an error, help or label string)
is not a committed credential; a passphrase of plain words in a config file still is.

Fixture: tests/fixtures/secrets/prose (a messages module, a settings module, a .env and a
Kubernetes Secret, written for this test)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.collectors.secrets.collector import SecretsCollector
from mlscan.collectors.secrets.values import is_prose, value_kind
from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, collect_facts, run

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "secrets" / "prose"


@pytest.fixture(scope="module")
def result() -> ScanResult:
    return run(ScanOptions(paths=(str(FIXTURE),), collectors=(SecretsCollector(),)))


def test_exact_findings(result: ScanResult) -> None:
    # messages.py L3-L7 are prose; the passphrases with spaces are credentials
    assert sorted(
        (f.control.id, f.location.path, f.location.start_line) for f in result.findings
    ) == [
        ("MLS-SEC-001", "app/settings.py", 3),
        ("MLS-SEC-001", "deploy/.env", 2),
        ("MLS-SEC-001", "deploy/secret.yaml", 7),
    ]


def test_message_constants_are_recorded_as_prose() -> None:
    facts = collect_facts((str(FIXTURE),), None, collectors=(SecretsCollector(),)).facts
    kinds = {
        (s["loc"]["path"], s["loc"]["line"]): s["value_kind"] for s in facts["secrets"]["secrets"]
    }
    assert kinds == {
        ("app/messages.py", 3): "prose",
        ("app/messages.py", 4): "prose",
        ("app/messages.py", 5): "prose",
        ("app/messages.py", 6): "prose",
        ("app/messages.py", 7): "prose",
        ("app/settings.py", 3): "literal",
        ("deploy/.env", 2): "literal",
        ("deploy/secret.yaml", 7): "literal",
    }


@pytest.mark.parametrize(("value", "key", "prose"), [
    ("No API key provided.", "NO_API_KEY", True),  # a capitalised sentence
    ("token expired or revoked", "token_error", True),  # message vocabulary
    ("shared signing secret", "SECRET_LABEL", True),  # the key names a label
    ("shared signing secret", "signingKeyPrompt", True),
    ("correct horse battery staple", "DB_PASSWORD", False),  # a passphrase
    ("correct horse battery staple", None, False),
    ("Zq8rT5 yU1iO3 pA6s", "API_KEY", False),  # digits: not words
    ("two words.", "TOKEN_MSG", False),  # fewer than three words
    ("a/b c d", "SECRET_TEXT", False),
])
def test_is_prose(value: str, key: str | None, prose: bool) -> None:
    assert is_prose(value, key) is prose


def test_value_kind_prose() -> None:
    assert value_kind("No API key provided.", "NO_API_KEY") == "prose"
    assert value_kind("correct horse battery staple", "DB_PASSWORD") == "literal"
