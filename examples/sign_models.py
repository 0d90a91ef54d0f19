#!/usr/bin/env python3
"""Sign the example models with the example ECDSA P-256 key (model-signing 1.1).

* creates ``keys/example-signing-key.pem`` and ``keys/model-signing.pub`` once (demo key);
* copies the public key to ``<variant>/keys/model-signing.pub`` where ``.mlscan.yaml``
  trusts it;
* signs each hardened model (a file, or an MLflow model directory) into ``<model>.sig``
  beside it; for a directory ``models/<name>/`` that is ``models/<name>.sig``;
* in ``registry-hardening/insecure`` signs the churn classifier as it was *before* its
  ``model.pkl`` was swapped (the committed file), so the signature no longer matches.

Idempotent: a signature that already verifies is kept (ECDSA signatures are randomised,
so re-signing would change the committed bytes for nothing). Nothing is ignored while
hashing: what is signed is exactly what is on disk. Never loads a model.

    python examples/sign_models.py            # sign what is missing or stale
    python examples/sign_models.py --check    # only verify; exit 1 on a problem
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep the examples tree free of __pycache__

import generate_models  # noqa: E402

KEY_DIR = HERE / "keys"
PRIVATE_KEY = KEY_DIR / "example-signing-key.pem"
PUBLIC_KEY = KEY_DIR / "model-signing.pub"

# model path (file or directory) relative to examples/
SIGNED = (
    "credit-fraud-platform/hardened/models/credit",
    "credit-fraud-platform/hardened/models/fraud/model.safetensors",
    "registry-hardening/hardened/models/churn-classifier",
    "registry-hardening/hardened/models/demand-forecast",
    "registry-hardening/hardened/models/model.safetensors",
    "sentiment-api/hardened/models/sentiment",
)
# signed, then changed: model directory -> {member: bytes as they were signed}
TAMPERED = {
    "registry-hardening/insecure/models/churn-classifier": {
        "model.pkl": generate_models.churn_model_pkl_signed,
    },
}
TRUSTING_VARIANTS = (
    "credit-fraud-platform/hardened",
    "registry-hardening/hardened",
    "registry-hardening/insecure",
    "sentiment-api/hardened",
)


def signature_path(model: Path) -> Path:
    return model.with_name(model.name + ".sig")


def hashing_config():  # type: ignore[no-untyped-def]
    from model_signing import hashing

    return hashing.Config().set_ignored_paths(paths=[], ignore_git_paths=False)


def ensure_keys() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if PRIVATE_KEY.exists() and PUBLIC_KEY.exists():
        return
    KEY_DIR.mkdir(exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    PRIVATE_KEY.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    PUBLIC_KEY.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def verifies(model: Path, sig: Path) -> bool:
    from model_signing import verifying

    if not sig.is_file():
        return False
    try:
        verifying.Config().use_elliptic_key_verifier(public_key=PUBLIC_KEY).set_hashing_config(
            hashing_config()
        ).verify(model, sig)
    except Exception:  # noqa: BLE001 - any failure means "does not verify"
        return False
    return True


def sign(model: Path, sig: Path) -> None:
    from model_signing import signing

    signing.Config().use_elliptic_key_signer(private_key=PRIVATE_KEY).set_hashing_config(
        hashing_config()
    ).sign(model, sig)


def as_signed_copy(model: Path, originals: dict, tmp: Path) -> Path:  # type: ignore[type-arg]
    copy = tmp / model.name  # same directory name: it is the model name in the manifest
    shutil.copytree(model, copy)
    for member, make in originals.items():
        (copy / member).write_bytes(make())
    return copy


def run(check: bool) -> int:
    problems = []
    if not check:
        ensure_keys()
        for variant in TRUSTING_VARIANTS:
            target = HERE / variant / "keys" / "model-signing.pub"
            target.parent.mkdir(exist_ok=True)
            if not target.is_file() or target.read_bytes() != PUBLIC_KEY.read_bytes():
                shutil.copyfile(PUBLIC_KEY, target)
                print(f"copied public key to {variant}/keys/")
    for rel in SIGNED:
        model = HERE / rel
        sig = signature_path(model)
        if verifies(model, sig):
            continue
        if check:
            problems.append(f"{rel}: signature missing or not valid")
            continue
        sign(model, sig)
        print(f"signed {rel} -> {sig.relative_to(HERE)}")
    for rel, originals in TAMPERED.items():
        model = HERE / rel
        sig = signature_path(model)
        with tempfile.TemporaryDirectory() as tmp:
            copy = as_signed_copy(model, originals, Path(tmp))
            if not verifies(copy, sig):
                if check:
                    problems.append(f"{rel}: no valid signature of the original contents")
                else:
                    sign(copy, sig)
                    print(f"signed the original {rel} -> {sig.relative_to(HERE)}")
        if verifies(model, sig):
            problems.append(f"{rel}: expected the signature NOT to match the changed files")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only")
    return run(parser.parse_args(argv).check)


if __name__ == "__main__":
    sys.exit(main())
