"""The lean key verifier (``dsse_signature_verifies``, cryptography only) against
model-signing's own elliptic-key verifier: same verdict on genuine, damaged and foreign
signatures, for every curve model-signing supports."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from mlscan.collectors.signatures.bundle import decode_bundle
from mlscan.collectors.signatures.verify import dsse_signature_verifies
from tests.fixtures.signatures.helpers import edit_bundle, flip_b64, sign_with_key


def _pair(directory: Path, curve: ec.EllipticCurve, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(curve)
    directory.mkdir(parents=True, exist_ok=True)
    priv = directory / f"{name}.pem"
    pub = directory / f"{name}.pub"
    priv.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                       serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    pub.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return priv, pub


def _model_signing_accepts(pub: Path, sig: Path) -> bool:
    from model_signing._signing import sign_ec_key, sign_sigstore_pb

    try:
        sign_ec_key.Verifier(pub).verify(sign_sigstore_pb.Signature.read(sig))
    except Exception:  # any rejection is "does not verify"
        return False
    return True


def _ours_accepts(pub: Path, sig: Path) -> bool:
    decoded = decode_bundle(sig.read_bytes())
    return dsse_signature_verifies(pub.read_bytes(), decoded.payload, decoded.envelope_signature)


def _swap_payload(other: Path) -> Callable[[dict[str, Any]], None]:
    payload = json.loads(other.read_text())["dsseEnvelope"]["payload"]
    return lambda d: d["dsseEnvelope"].update(payload=payload)


def _reencode_payload(d: dict[str, Any]) -> None:
    # same statement, different bytes (key order): the signature covers bytes, not meaning
    raw = json.loads(base64.b64decode(d["dsseEnvelope"]["payload"]))
    text = json.dumps(raw, sort_keys=False, indent=1).encode()
    d["dsseEnvelope"]["payload"] = base64.b64encode(text).decode()


def _legacy_signer(priv: Path, curve: ec.EllipticCurve) -> Callable[[dict[str, Any]], None]:
    from cryptography.hazmat.primitives import hashes

    key = serialization.load_pem_private_key(priv.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    digest = {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[curve.key_size]

    def resign(d: dict[str, Any]) -> None:
        payload = base64.b64decode(d["dsseEnvelope"]["payload"])
        kind = "application/vnd.in-toto+json"
        legacy = f"DSSEV1 {len(kind)} {kind} {len(payload)} {payload!r}".encode()
        d["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(
            key.sign(legacy, ec.ECDSA(digest))).decode()

    return resign


CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}


@pytest.mark.parametrize("curve", sorted(CURVES))
@pytest.mark.parametrize(
    "damage",
    ["none", "legacy-encoding", "flip-signature", "swap-payload", "reencode-payload",
     "other-key"],
)
def test_same_verdict_as_model_signing(tmp_path: Path, curve: str, damage: str) -> None:
    model = tmp_path / "model.safetensors"
    model.write_bytes(b"weights" * 64)
    priv, pub = _pair(tmp_path / "keys", CURVES[curve], "signer")
    sig = tmp_path / "model.safetensors.sig"
    sign_with_key(model, sig, priv)
    if damage == "flip-signature":
        edit_bundle(sig, lambda d: d["dsseEnvelope"]["signatures"][0].update(
            sig=flip_b64(d["dsseEnvelope"]["signatures"][0]["sig"], 12)))
    elif damage == "swap-payload":
        other = tmp_path / "other.bin"
        other.write_bytes(b"other")
        sign_with_key(other, tmp_path / "other.sig", priv)
        edit_bundle(sig, _swap_payload(tmp_path / "other.sig"))
    elif damage == "reencode-payload":
        edit_bundle(sig, _reencode_payload)
    elif damage == "legacy-encoding":
        # re-signed the way model-signing 0.2 did (its encoding had the body through str())
        edit_bundle(sig, _legacy_signer(priv, CURVES[curve]))
    elif damage == "other-key":
        _, pub = _pair(tmp_path / "other", CURVES[curve], "stranger")
    expected = damage in ("none", "legacy-encoding")
    if damage == "other-key":
        # model-signing refuses on the key hint first; the signature bytes fail too
        assert _ours_accepts(pub, sig) is False
        assert _model_signing_accepts(pub, sig) is False
        return
    assert _model_signing_accepts(pub, sig) is expected
    assert _ours_accepts(pub, sig) is expected


def test_a_key_that_is_not_elliptic_curve_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    pem = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(ValueError, match="not an elliptic-curve public key"):
        dsse_signature_verifies(pem, b"{}", b"sig")


def test_key_verification_does_not_import_model_signing(tmp_path: Path) -> None:
    import subprocess
    import sys

    model = tmp_path / "m.bin"
    model.write_bytes(b"w")
    priv, pub = _pair(tmp_path / "k", ec.SECP256R1(), "s")
    sig = tmp_path / "m.bin.sig"
    sign_with_key(model, sig, priv)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mlscan.collectors.signatures.bundle import decode_bundle\n"
        "from mlscan.collectors.signatures.verify import dsse_signature_verifies\n"
        f"d = decode_bundle(Path({str(sig)!r}).read_bytes())\n"
        f"ok = dsse_signature_verifies(Path({str(pub)!r}).read_bytes(), d.payload, "
        "d.envelope_signature)\n"
        "print(ok, sorted(m for m in ('model_signing', 'sigstore') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "True []"
