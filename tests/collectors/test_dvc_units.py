"""Fast tests of the DVC helpers (no dvc CLI needed) and of the DVC Rego unit tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import regorus
from hypothesis import given, settings
from hypothesis import strategies as st

from mlscan.collectors.dvc.config import describe_url, hides_value, redact_url
from mlscan.collectors.dvc.files import scheme_of
from mlscan.collectors.dvc.ini import load_values, scan_ini
from mlscan.collectors.dvc.verify import DvcIgnore
from mlscan.workspace import Workspace

REGO = Path(__file__).resolve().parents[2] / "rego"


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("https://user:pa55@host/p", "https://user:***@host/p"),
        ("ssh://deploy:pw@10.0.0.1:22/srv/dvc", "ssh://deploy:***@10.0.0.1:22/srv/dvc"),
        ("https://host/p?sv=2020&sig=abc%2F&se=x", "https://host/p?sv=2020&sig=***&se=x"),
        ("https://host/p?token=t#frag", "https://host/p?token=***#frag"),
        ("s3://bucket/path", "s3://bucket/path"),
        ("ssh://user@host/p", "ssh://user@host/p"),
        ("../storage", "../storage"),
    ],
)
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


def test_describe_url() -> None:
    info = describe_url("https://u:p@[::1]:8443/x?key=k")
    assert info == {
        "url": "https://u:***@[::1]:8443/x?key=***",
        "url_scheme": "https",
        "host": "::1",
        "bucket": None,
        "host_is_loopback": True,
        "url_has_password": True,
        "url_secret_params": ["key"],
    }
    assert describe_url("azure://container/path")["bucket"] == "container"
    assert describe_url("/mnt/dvc-store")["url_scheme"] == "local"
    # an unparsable URL is still redacted
    assert describe_url("http://u:secret@[bad/x")["url"] == "http://u:***@[bad/x"


@pytest.mark.parametrize(
    ("path", "scheme"),
    [
        ("s3://b/k", "s3"),
        ("file:/tmp/x", "file"),
        ("remote://storage/x", "remote"),
        ("C:/data/x", "local"),
        ("data/x.csv", "local"),
    ],
)
def test_scheme_of(path: str, scheme: str) -> None:
    assert scheme_of(path) == scheme


def test_ini_scanner_positions_and_values() -> None:
    text = (
        "# comment\n"
        "[core]\n"
        "    remote = Storage  # inline comment\n"
        "  ['remote \"storage\"']\n"
        "    URL = 's3://b/p'\n"
        '    password = "a#b"\n'
        "    token = '''multi\n"
        "line'''\n"
        "    user = x\n"
    )
    doc = scan_ini(text)
    assert doc.errors == []
    core = doc.section("core")
    assert core is not None
    remote_entry = core.get("remote")
    assert remote_entry is not None
    assert (remote_entry.value, remote_entry.key_span.line, remote_entry.key_span.col) == (
        "Storage",
        3,
        5,
    )
    section = doc.section('remote "storage"')
    assert section is not None
    assert (section.span.line, section.span.col) == (4, 3)
    assert [(e.key, e.line, e.value) for e in section.entries] == [
        ("url", 5, "s3://b/p"),
        ("password", 6, "a#b"),
        ("token", 7, None),
        ("user", 9, "x"),
    ]
    values = load_values(text)
    assert values.error is None
    assert values.sections['remote "storage"']["password"] == "a#b"
    assert values.sections["core"]["remote"] == "Storage"


def test_ini_errors_never_quote_the_line() -> None:
    values = load_values("[core]\nsecret line without equals PLANTED\n")
    assert values.error is not None
    line, message = values.error
    assert line == 2 and "PLANTED" not in message
    doc = scan_ini("[core\nx = 1\n")
    assert doc.errors == [(1, "section header is not closed with ']'")]


def test_dvcignore(tmp_path: Path) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    (tmp_path / ".dvcignore").write_text("*.tmp\n!keep.tmp\n")
    (tmp_path / "data" / ".dvcignore").write_text("sub/\n")
    for rel in ("data/a.csv", "data/x.tmp", "data/keep.tmp", "data/sub/b.csv"):
        (tmp_path / rel).write_text("x")
    ignore = DvcIgnore(Workspace.discover(tmp_path))
    assert [
        p
        for p in ("data/a.csv", "data/x.tmp", "data/keep.tmp", "data/sub/b.csv")
        if ignore.ignored(p)
    ] == [
        "data/x.tmp",
        "data/sub/b.csv",
    ]


def _rego_tests() -> list[tuple[Path, str]]:
    found = []
    for test in sorted((REGO / "controls" / "dvc").glob("*_test.rego")):
        for name in re.findall(r"^(test_\w+)", test.read_text(), re.MULTILINE):
            found.append((test, name))
    return found


@pytest.mark.parametrize(("test_file", "rule"), _rego_tests(), ids=lambda x: getattr(x, "stem", x))
def test_rego_unit(test_file: Path, rule: str) -> None:
    engine = regorus.Engine()
    engine.set_rego_v0(False)
    for lib in sorted((REGO / "lib").glob("*.rego")):
        engine.add_policy_from_file(str(lib))
    engine.add_policy_from_file(
        str(test_file.with_name(test_file.name.replace("_test.rego", ".rego")))
    )
    engine.add_policy_from_file(str(test_file))
    package = re.search(r"^package (\S+)", test_file.read_text(), re.MULTILINE)
    assert package is not None
    assert engine.eval_rule_as_json(f"data.{package.group(1)}.{rule}") == "true"


def test_every_dvc_control_has_tests() -> None:
    controls = sorted(
        p.stem for p in (REGO / "controls" / "dvc").glob("*.rego") if not p.stem.endswith("_test")
    )
    tested = sorted({p.stem.removesuffix("_test") for p, _ in _rego_tests()})
    assert controls == tested
    assert len(controls) == 7


def test_hidden_option_values() -> None:
    hidden = [
        "password",
        "bearer_token_command",
        "gdrive_client_secret",
        "private_key_pem",
        "api_token",
    ]
    shown = ["url", "user", "ask_password", "keyfile", "credentialpath", "region", "sse_kms_key_id"]
    assert [k for k in hidden + shown if hides_value(k)] == hidden


def test_empty_value() -> None:
    doc = scan_ini("[core]\n    remote =\n")
    core = doc.section("core")
    assert core is not None and doc.errors == []
    assert [(e.key, e.value) for e in core.entries] == [("remote", "")]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="[]\"'=#,: \tabc\n\r\\", max_size=80))
def test_config_readers_never_raise(text: str) -> None:
    scan_ini(text)
    load_values(text)
