"""Signature verification never touches the network: every socket connection and name
lookup is blocked and recorded while the collector verifies key-signed, certificate-signed
and keyless models (pinned trust root and sigstore's bundled one)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from mlscan.scan import collect_facts
from tests.fixtures.signatures.helpers import (
    GITHUB_ISSUER,
    GOOD_IDENTITY,
    OfflineSigstore,
    key_pair,
    sign_with_key,
)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    attempts: list[str] = []

    def connect(self: socket.socket, address: object) -> None:
        attempts.append(f"connect {address!r}")
        raise OSError("network blocked by test")

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        attempts.append(f"getaddrinfo {host!r}")
        raise OSError("name resolution blocked by test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection",
                        lambda address, *a, **k: connect(None, address))  # type: ignore[arg-type]
    yield attempts


def test_guard_catches_sigstore_going_online(no_network: list[str]) -> None:
    """The guard is real: sigstore's online trust-root refresh is caught by it."""
    from sigstore.verify import Verifier

    with pytest.raises(Exception):
        Verifier.production(offline=False)
    assert no_network, "the guard did not see sigstore's TUF refresh"


def test_verification_is_offline(no_network: list[str], tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "models" / "kl").mkdir(parents=True)
    (root / "models" / "kl" / "w.bin").write_bytes(b"w")
    (root / "models" / "kl2").mkdir()
    (root / "models" / "kl2" / "w.bin").write_bytes(b"w2")
    (root / "models" / "m.pkl").write_bytes(b"m")
    priv, _pub = key_pair(root / "keys")
    sign_with_key(root / "models" / "m.pkl", root / "models" / "m.pkl.sig", priv)
    instance = OfflineSigstore.create()
    instance.sign_model(root / "models" / "kl", root / "models" / "kl.sig")
    instance.sign_model(root / "models" / "kl2", root / "models" / "kl2.sig")
    instance.write_trusted_root(root / "trusted_root.json")
    (root / ".mlscan.yaml").write_text(yaml.safe_dump({"signing": {
        "trusted_keys": ["keys/signer.pub"],
        "trust_root": "trusted_root.json",
        "trusted_identities": [{"identity": GOOD_IDENTITY, "issuer": GITHUB_ISSUER}],
    }}), encoding="utf-8")
    models = {m["path"]: m for m in collect_facts((str(root),)).facts["signatures"]["models"]}
    assert {p: m["verification"]["status"] for p, m in models.items()} == {
        "models/kl": "verified", "models/kl2": "verified", "models/m.pkl": "verified",
    }
    # sigstore's bundled production root, offline: our test CA is (rightly) not trusted
    (root / ".mlscan.yaml").write_text(yaml.safe_dump({"signing": {
        "trusted_identities": [{"identity": GOOD_IDENTITY, "issuer": GITHUB_ISSUER}],
    }}), encoding="utf-8")
    models = {m["path"]: m for m in collect_facts((str(root),)).facts["signatures"]["models"]}
    assert models["models/kl"]["verification"]["reason"] == "untrusted-certificate"
    assert models["models/kl"]["trust_root"]["kind"] == "sigstore-bundled"
    assert no_network == []
