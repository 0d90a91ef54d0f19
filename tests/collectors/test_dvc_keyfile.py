"""Which DVC credential files hold key material (mlscan/collectors/dvc/keyfile.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.collectors.dvc.keyfile import has_key_material
from mlscan.config import Limits
from mlscan.parse_cache import ParseCache
from mlscan.workspace import Workspace

CASES = [
    ("empty", "", False),
    ("blank-lines", "\n  \n", False),
    ("empty-object", "{}\n", False),
    ("empty-list", "[]", False),
    (
        "sa-without-key",
        '{"type": "service_account", "token_uri": "https://oauth.example/token",'
        ' "private_key_id": "abc"}',
        False,
    ),
    ("sa-blank-key", '{"type": "service_account", "private_key": ""}', False),
    ("sa-placeholder-key", '{"private_key": "<paste the key here>"}', False),
    ("sa-env-placeholder", '{"client_secret": "${CLIENT_SECRET}"}', False),
    (
        "sa-with-key",
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----"}',
        True,
    ),
    ("oauth-nested", '{"installed": {"client_id": "x", "refresh_token": "1//fixture"}}', True),
    (
        "pem",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nFIXTURE\n-----END OPENSSH PRIVATE KEY-----\n",
        True,
    ),
    ("comments-only", "# put the deploy key here\n", False),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_has_key_material(tmp_path: Path, name: str, text: str, expected: bool) -> None:
    (tmp_path / "key").write_text(text)
    ws = Workspace.discover(tmp_path)
    assert has_key_material(ParseCache(ws, Limits()), "key", "keyfile") is expected


def test_unparseable_json_and_binary_formats_are_unknown(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('{"private_key": ')
    (tmp_path / "krb5cc").write_bytes(b"\x05\x04fixture")
    ws = Workspace.discover(tmp_path)
    parsed = ParseCache(ws, Limits())
    assert has_key_material(parsed, "broken.json", "credentialpath") is None
    assert has_key_material(parsed, "krb5cc", "kerb_ticket") is None
