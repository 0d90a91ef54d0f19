"""``mlscan verify``: the deployment gate, run as a user runs it (subprocess), offline
(a sitecustomize guard blocks and records every network attempt)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.fixtures.signatures.helpers import (
    GITHUB_ISSUER,
    GOOD_IDENTITY,
    OfflineSigstore,
    edit_bundle,
    flip_b64,
    key_pair,
    make_ca,
    make_leaf,
    sign_with_certificate,
    sign_with_key,
    write_cert,
    write_private,
)
from tests.helpers import REPO, CliRun, run_cli

GUARD = Path(__file__).resolve().parent.parent / "fixtures" / "signatures" / "netguard"


@pytest.fixture
def verify(tmp_path: Path):  # type: ignore[no-untyped-def]
    log = tmp_path / "network.log"
    env = {
        "PYTHONPATH": f"{GUARD}:{REPO}",
        "MLSCAN_NETGUARD_LOG": str(log),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }

    def _run(*args: str, cwd: Path) -> CliRun:
        result = run_cli("verify", *args, cwd=cwd, env=env)
        assert not log.exists(), f"network attempted: {log.read_text()}"
        return result

    return _run


@pytest.fixture
def signed(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "models" / "bert").mkdir(parents=True)
    (root / "models" / "bert" / "model.safetensors").write_bytes(b"w" * 4096)
    (root / "models" / "bert" / "config.json").write_text("{}", encoding="utf-8")
    (root / "models" / "clf.pkl").write_bytes(b"\x80\x04K\x01.")
    priv, _pub = key_pair(root / "keys")
    sign_with_key(root / "models" / "bert", root / "models" / "bert.sig", priv)
    sign_with_key(root / "models" / "clf.pkl", root / "models" / "clf.pkl.sig", priv)
    return root


def test_verified_model_exits_zero(verify, signed: Path) -> None:  # type: ignore[no-untyped-def]
    r = verify("models/bert", "--key", "keys/signer.pub", cwd=signed)
    assert (r.code, r.out) == (
        0,
        "OK models/bert: verified (signature verified with trusted key keys/signer.pub; "
        "2 file(s) match)\n",
    )
    r = verify("models/clf.pkl", "--key", "keys/signer.pub", "--format", "json", cwd=signed)
    assert r.code == 0
    doc = json.loads(r.out)
    assert doc["ok"] is True
    assert doc["signature"] == "models/clf.pkl.sig"
    assert doc["verification"]["signer_kind"] == "public_key"
    assert doc["verification"]["trust_source"] == "options"


def test_tampered_model_exits_one_with_one_line(verify, signed: Path) -> None:  # type: ignore[no-untyped-def]
    (signed / "models" / "bert" / "config.json").write_text('{"x": 1}', encoding="utf-8")
    (signed / "models" / "bert" / "extra.py").write_text("print(1)\n", encoding="utf-8")
    r = verify("models/bert", "--key", "keys/signer.pub", cwd=signed)
    assert r.code == 1
    assert r.out == (
        "FAIL models/bert: contents differ from the signed manifest "
        "(changed: models/bert/config.json; added: models/bert/extra.py)\n"
    )


def test_wrong_key_and_corrupt_signature(verify, signed: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, other = key_pair(tmp_path / "other")
    r = verify("models/clf.pkl", "--key", str(other), "--format", "json", cwd=signed)
    assert r.code == 1
    assert json.loads(r.out)["reason"] == "untrusted-key"
    sig = signed / "models" / "clf.pkl.sig"
    edit_bundle(sig, lambda d: d["dsseEnvelope"]["signatures"][0].update(
        sig=flip_b64(d["dsseEnvelope"]["signatures"][0]["sig"], 30)))
    r = verify("models/clf.pkl", "--key", "keys/signer.pub", "--format", "json", cwd=signed)
    assert (r.code, json.loads(r.out)["reason"]) == (1, "signature-invalid")
    sig.write_text("garbage", encoding="utf-8")
    r = verify("models/clf.pkl", "--key", "keys/signer.pub", cwd=signed)
    assert r.code == 1
    assert r.out.startswith("FAIL models/clf.pkl: signature cannot be decoded (bundle-not-json)")
    assert r.out.count("\n") == 1


def test_unsigned_and_untrusted(verify, signed: Path) -> None:  # type: ignore[no-untyped-def]
    (signed / "models" / "clf.pkl.sig").unlink()
    r = verify("models/clf.pkl", "--key", "keys/signer.pub", cwd=signed)
    assert r.code == 1
    assert r.out == (
        "FAIL models/clf.pkl: no signature found (looked for models/clf.pkl.sig, "
        "models/clf.pkl.sigstore.json, models/clf.pkl.sigstore); pass --signature FILE\n"
    )
    r = verify("models/bert", cwd=signed)
    assert r.code == 1
    assert "no trusted key is configured" in r.out


def test_explicit_signature_and_config_trust(verify, signed: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.move(signed / "models" / "bert.sig", signed / "bert-release.sig")
    (signed / ".mlscan.yaml").write_text(
        yaml.safe_dump({"signing": {"trusted_keys": ["keys/signer.pub"]}}), encoding="utf-8"
    )
    r = verify("models/bert", "--signature", "bert-release.sig", "--format", "json", cwd=signed)
    assert r.code == 0, r.out
    doc = json.loads(r.out)
    assert doc["signature"] == "bert-release.sig"
    assert doc["verification"]["trust_source"] == "config"


def test_usage_errors_exit_two(verify, signed: Path) -> None:  # type: ignore[no-untyped-def]
    assert verify("models/nope.pkl", "--key", "keys/signer.pub", cwd=signed).code == 2
    r = verify("models/clf.pkl", "--identity", GOOD_IDENTITY, cwd=signed)
    assert r.code == 2
    assert "--identity and --issuer go together" in r.err
    r = verify("models/clf.pkl", "--key", "keys/signer.pem", cwd=signed)
    assert r.code == 2
    assert "not a PEM public key" in r.err
    r = verify("models/clf.pkl", "--key", "keys/signer.pub", "--identity", "a", "--issuer", "b",
               cwd=signed)
    assert r.code == 2
    r = verify("models/clf.pkl", "--signature", "missing.sig", "--key", "keys/signer.pub",
               cwd=signed)
    assert r.code == 2


def test_certificate_signed(verify, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "cert"
    root.mkdir()
    (root / "model.onnx").write_bytes(b"onnx")
    ca_key, ca = make_ca()
    leaf_key, leaf = make_leaf(ca_key, ca)
    sign_with_certificate(root / "model.onnx", root / "model.onnx.sig",
                          write_private(root / "leaf.pem", leaf_key),
                          write_cert(root / "leaf.crt", leaf), [write_cert(root / "ca.crt", ca)])
    r = verify("model.onnx", "--certificate", "ca.crt", "--format", "json", cwd=root)
    assert (r.code, json.loads(r.out)["verification"]["signer_kind"]) == (0, "certificate")
    _, other = make_ca("other")
    write_cert(root / "other.crt", other)
    r = verify("model.onnx", "--certificate", "other.crt", "--format", "json", cwd=root)
    assert (r.code, json.loads(r.out)["reason"]) == (1, "untrusted-certificate")


def test_keyless(verify, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "kl"
    (root / "model").mkdir(parents=True)
    (root / "model" / "weights.gguf").write_bytes(b"GGUF")
    instance = OfflineSigstore.create()
    instance.sign_model(root / "model", root / "model.sigstore.json")
    instance.write_trusted_root(root / "trusted_root.json")
    ok = verify("model", "--identity", GOOD_IDENTITY, "--issuer", GITHUB_ISSUER,
                "--trust-root", "trusted_root.json", cwd=root)
    assert ok.code == 0, ok.out
    assert ok.out == (
        f"OK model: verified (keyless signature verified for {GOOD_IDENTITY} "
        f"({GITHUB_ISSUER}); 1 file(s) match)\n"
    )
    bad = verify("model", "--identity", "someone@example.com", "--issuer", GITHUB_ISSUER,
                 "--trust-root", "trusted_root.json", "--format", "json", cwd=root)
    assert (bad.code, json.loads(bad.out)["reason"]) == (1, "identity-mismatch")
    bundled = verify("model", "--identity", GOOD_IDENTITY, "--issuer", GITHUB_ISSUER,
                     "--format", "json", cwd=root)
    assert (bundled.code, json.loads(bundled.out)["reason"]) == (1, "untrusted-certificate")


def test_network_guard_is_effective(tmp_path: Path) -> None:
    """The guard used above really blocks and records a connection attempt."""
    import subprocess
    import sys

    log = tmp_path / "net.log"
    subprocess.run(
        [sys.executable, "-c",
         "import urllib.request\ntry:\n urllib.request.urlopen('https://tuf-repo-cdn.sigstore.dev')"
         "\nexcept OSError:\n pass"],
        env={"PYTHONPATH": str(GUARD), "MLSCAN_NETGUARD_LOG": str(log)},
        check=True, timeout=60,
    )
    assert log.read_text(encoding="utf-8") == "getaddrinfo 'tuf-repo-cdn.sigstore.dev'\n"


def test_facts_command_lists_signature_facts(signed: Path, tmp_path: Path) -> None:
    (signed / "models" / "bert" / "config.json").write_text('{"x": 2}', encoding="utf-8")
    r = run_cli("facts", str(signed), env={
        "PYTHONPATH": f"{GUARD}:{REPO}",
        "MLSCAN_NETGUARD_LOG": str(tmp_path / "net.log"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    })
    assert r.code == 0, r.err
    assert not (tmp_path / "net.log").exists()
    models = {m["path"]: m for m in json.loads(r.out)["signatures"]["models"]}
    assert sorted(models) == ["models/bert", "models/clf.pkl"]
    assert models["models/bert"]["manifest_diff"]["changed"] == ["models/bert/config.json"]
    assert models["models/clf.pkl"]["verification"]["reason"] == "no-trusted-keys"


def test_scan_command_reports_signature_controls(signed: Path, tmp_path: Path) -> None:
    (signed / ".mlscan.yaml").write_text(
        yaml.safe_dump({"signing": {"trusted_keys": ["keys/signer.pub"]}}), encoding="utf-8"
    )
    env = {"PYTHONPATH": f"{GUARD}:{REPO}", "MLSCAN_NETGUARD_LOG": str(tmp_path / "net.log"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")}
    # the project's parameters name the pickle, so it is a model the project uses
    (signed / "params.yaml").write_text("serve:\n  model: models/clf.pkl\n", encoding="utf-8")
    clean = run_cli("scan", str(signed), "--format", "json", env=env)
    # a signed pickle is still a pickle (MLS-MOD-001, medium); no signature control fires
    assert clean.code == 1, clean.err
    assert [f["control"] for f in json.loads(clean.out)["findings"]] == ["MLS-MOD-001"]
    assert run_cli("scan", str(signed), "--fail-on", "high", env=env).code == 0
    (signed / "models" / "clf.pkl").write_bytes(b"\x80\x04K\x02.")
    (signed / "models" / "new.pt").write_bytes(b"PK")
    r = run_cli("scan", str(signed), "--format", "json", env=env)
    assert r.code == 1, r.err
    found = sorted(
        (f["control"], f["location"]["path"])
        for f in json.loads(r.out)["findings"]
        if f["control"].startswith("MLS-SIG-")
    )
    assert found == [("MLS-SIG-001", "models/new.pt"), ("MLS-SIG-002", "models/clf.pkl")]
    assert not (tmp_path / "net.log").exists()
