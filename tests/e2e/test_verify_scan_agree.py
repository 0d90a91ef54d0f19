"""``mlscan verify`` and ``mlscan scan`` agree: verify evaluates the same signature
controls on a one-model fact document, so a model fails verify exactly when the scan
reports a signature finding on it (and passes when the scan reports none)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import model_signing
import pytest
import yaml

from mlscan.scan import ScanOptions, run
from mlscan.verify import VerifyOptions, verify_model
from tests.fixtures.signatures.helpers import (
    GITHUB_ISSUER,
    GOOD_IDENTITY,
    OfflineSigstore,
    edit_bundle,
    flip_b64,
    key_pair,
    sign_with_key,
)


def _config(root: Path, signing: dict[str, object]) -> None:
    (root / ".mlscan.yaml").write_text(yaml.safe_dump({"signing": signing}), encoding="utf-8")


def _project(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "proj"
    (root / "models" / "bert").mkdir(parents=True)
    (root / "models" / "bert" / "model.safetensors").write_bytes(b"weights-v1" * 100)
    (root / "models" / "bert" / "config.json").write_text('{"hidden": 8}', encoding="utf-8")
    (root / "models" / "clf.pkl").write_bytes(b"\x80\x04K\x01.")
    priv, pub = key_pair(tmp_path / "keys")
    (root / "keys").mkdir()
    shutil.copy(pub, root / "keys" / "release.pub")
    _config(root, {"trusted_keys": ["keys/release.pub"]})
    return root, priv


def _signed(tmp_path: Path) -> tuple[Path, Path]:
    root, priv = _project(tmp_path)
    sign_with_key(root / "models" / "bert", root / "models" / "bert.sig", priv)
    sign_with_key(root / "models" / "clf.pkl", root / "models" / "clf.pkl.sig", priv)
    return root, priv


def clean(tmp_path: Path) -> Path:
    return _signed(tmp_path)[0]


def tampered(tmp_path: Path) -> Path:
    root, _ = _signed(tmp_path)
    (root / "models" / "bert" / "config.json").write_text('{"hidden": 9}', encoding="utf-8")
    (root / "models" / "clf.pkl").write_bytes(b"\x80\x04K\x02.")
    return root


def unsigned(tmp_path: Path) -> Path:
    root, _ = _project(tmp_path)
    return root


def wrong_key(tmp_path: Path) -> Path:
    root, _ = _signed(tmp_path)
    _, other = key_pair(tmp_path / "other")
    shutil.copy(other, root / "keys" / "release.pub")
    return root


def corrupt(tmp_path: Path) -> Path:
    root, _ = _signed(tmp_path)
    sig = root / "models" / "bert.sig"
    edit_bundle(sig, lambda d: d["dsseEnvelope"]["signatures"][0].update(
        sig=flip_b64(d["dsseEnvelope"]["signatures"][0]["sig"], 30)))
    (root / "models" / "clf.pkl.sig").write_text("garbage", encoding="utf-8")
    return root


def no_trust(tmp_path: Path) -> Path:
    root, _ = _signed(tmp_path)
    _config(root, {})
    return root


def not_compared(tmp_path: Path) -> Path:
    """Signed in 400-byte shards: the 1000-byte weights file is compared by size only."""
    root, priv = _signed(tmp_path)
    (
        model_signing.signing.Config()
        .use_elliptic_key_signer(private_key=priv)
        .set_hashing_config(model_signing.hashing.Config().use_shard_serialization(shard_size=400))
        .sign(root / "models" / "bert", root / "models" / "bert.sig")
    )
    return root


def signature_inside(tmp_path: Path) -> Path:
    """An MLflow model directory signed with model-signing's default name, model.sig,
    inside the directory it protects (a weak setup, MLS-SIG-004)."""
    root, priv = _project(tmp_path)
    bert = root / "models" / "bert"
    (bert / "MLmodel").write_text("flavors: {}\n", encoding="utf-8")
    sign_with_key(bert, bert / "model.sig", priv, ignore_paths=[Path("model.sig")])
    sign_with_key(root / "models" / "clf.pkl", root / "models" / "clf.pkl.sig", priv)
    return root


def keyless_staging(tmp_path: Path) -> Path:
    root, _ = _project(tmp_path)
    (root / "models" / "clf.pkl").unlink()
    instance = OfflineSigstore.create("https://rekor.sigstage.dev")
    instance.sign_model(root / "models" / "bert", root / "models" / "bert.sigstore.json")
    instance.write_trusted_root(root / "trusted_root.json")
    _config(root, {
        "trust_root": "trusted_root.json",
        "trusted_identities": [{"identity": GOOD_IDENTITY, "issuer": GITHUB_ISSUER}],
    })
    return root


# fixture -> {model: the signature controls expected on it}
CASES: dict[str, tuple[Callable[[Path], Path], dict[str, list[str]]]] = {
    "clean": (clean, {"models/bert": [], "models/clf.pkl": []}),
    "tampered": (tampered, {"models/bert": ["MLS-SIG-002"], "models/clf.pkl": ["MLS-SIG-002"]}),
    # (an unsigned folder of weights is not a model directory: its weights file is)
    "unsigned": (unsigned, {
        "models/bert/model.safetensors": ["MLS-SIG-001"], "models/clf.pkl": ["MLS-SIG-001"]}),
    "wrong-key": (wrong_key, {"models/bert": ["MLS-SIG-003"], "models/clf.pkl": ["MLS-SIG-003"]}),
    "corrupt": (corrupt, {"models/bert": ["MLS-SIG-003"], "models/clf.pkl": ["MLS-SIG-003"]}),
    "no-trust": (no_trust, {"models/bert": ["MLS-SIG-003"], "models/clf.pkl": ["MLS-SIG-003"]}),
    "not-compared": (not_compared, {"models/bert": ["MLS-SIG-005"], "models/clf.pkl": []}),
    "signature-inside": (signature_inside, {"models/bert": ["MLS-SIG-004"], "models/clf.pkl": []}),
    "keyless-staging": (keyless_staging, {"models/bert": ["MLS-SIG-004"]}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_verify_and_scan_agree(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build, expected = CASES[case]
    root = build(tmp_path)
    monkeypatch.chdir(root)
    result = run(ScanOptions(paths=(str(root),)))
    scanned = {
        model: sorted(
            {f.control.id for f in result.findings
             if f.control.id.startswith("MLS-SIG-") and f.asset == model}
        )
        for model in expected
    }
    assert scanned == expected
    for model, controls in expected.items():
        outcome = verify_model(VerifyOptions(model_path=model))
        assert sorted({v.control for v in outcome.violations}) == controls, outcome.message
        assert outcome.ok is (not controls), outcome.message
