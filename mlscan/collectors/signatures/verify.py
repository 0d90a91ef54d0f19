"""Offline cryptographic verification of a model-signing signature.

Three signer kinds, three trust sources:

* ``public_key`` bundles (``model_signing`` ``use_elliptic_key_signer``): the ECDSA
  signature over the DSSE envelope is checked with ``cryptography`` against
  ``signing.trusted_keys``, exactly as model-signing's elliptic-key verifier does (a
  differential test holds the two to the same verdicts) without importing model-signing
  and sigstore for it. The bundle's key
  hint (sha256 of the PEM public key) picks the key; a hint that names no trusted key is
  an untrusted signer, not a bad signature.
* ``certificate`` bundles (``use_certificate_signer``): model-signing's certificate
  verifier builds the chain to ``signing.trusted_certificates``.
* ``keyless`` bundles (Sigstore, Fulcio certificate + Rekor entry): sigstore's
  ``Verifier`` with the pinned ``signing.trust_root`` (trusted_root.json) or the trusted
  root bundled with sigstore (``Verifier.production(offline=True)``: no TUF refresh).
  The certificate chain, SCT, transparency-log inclusion proof / promise and the DSSE
  signature are checked first; then the certificate's identity and OIDC issuer are
  matched against ``signing.trusted_identities``.

Nothing here opens a socket. ``model_signing`` and ``sigstore`` are imported lazily, only
when a signature is actually verified. Every outcome carries a stable ``reason`` code:

verified, no-trusted-keys, no-trusted-certificates, no-trusted-identities,
unsupported-signer, untrusted-key, signature-invalid, untrusted-certificate,
certificate-invalid, identity-mismatch, issuer-mismatch, tlog-missing, tlog-invalid,
trust-root-invalid, trust-root-unavailable, bundle-corrupt, manifest-inconsistent.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscan.collectors.signatures.bundle import IN_TOTO_PAYLOAD_TYPE, DecodedSignature

STAGING_HOST = "sigstage.dev"


@dataclass(frozen=True, kw_only=True)
class TrustedFile:
    shown: str  # how the user named it (config path or CLI argument)
    path: Path  # real path, already checked against the scan root when it came from config


@dataclass(frozen=True, kw_only=True)
class TrustSettings:
    keys: tuple[TrustedFile, ...] = ()
    certificates: tuple[TrustedFile, ...] = ()
    identities: tuple[tuple[str, str], ...] = ()  # (identity, issuer)
    trust_root: TrustedFile | None = None

    @property
    def configured(self) -> bool:
        return bool(self.keys or self.certificates or self.identities)


@dataclass(frozen=True, kw_only=True)
class VerificationResult:
    status: str  # verified | failed | not_attempted
    reason: str
    message: str
    signer_kind: str
    identity: str | None = None
    issuer: str | None = None
    key_fingerprint: str | None = None
    trusted_by: str | None = None  # the key / certificate file or identity that matched
    trust_root: str = "not_applicable"  # not_applicable | sigstore-bundled | pinned

    def to_fact(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "signer_kind": self.signer_kind,
            "identity": self.identity,
            "issuer": self.issuer,
            "key_fingerprint": self.key_fingerprint,
            "trusted_by": self.trusted_by,
            "trust_root": self.trust_root,
        }


def verify_signature(
    decoded: DecodedSignature, signature_path: Path, trust: TrustSettings
) -> VerificationResult:
    """Verify ``signature_path`` (already decoded as ``decoded``) against ``trust``."""
    kind = decoded.signer_kind
    cert = decoded.certificate
    base: dict[str, Any] = {
        "signer_kind": kind,
        "identity": cert.identity if cert else None,
        "issuer": cert.issuer if cert else None,
        "key_fingerprint": cert.fingerprint if cert else decoded.key_hint,
    }
    if decoded.root_digest_ok is False:
        return VerificationResult(
            status="failed",
            reason="manifest-inconsistent",
            message="the statement's subject digest does not match its resource list",
            **base,
        )
    if kind == "public_key":
        return _verify_key(decoded, signature_path, trust, base)
    if kind == "certificate":
        return _verify_certificate(signature_path, trust, base)
    if kind == "keyless":
        return _verify_keyless(decoded, signature_path, trust, base)
    return VerificationResult(
        status="not_attempted",
        reason="unsupported-signer",
        message="the bundle carries no public-key hint and no certificate",
        **base,
    )


# ------------------------------------------------------------------- key-signed
def key_fingerprint(pem: bytes) -> str:
    """model-signing's key hint: sha256 of the SubjectPublicKeyInfo PEM encoding."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(pem)
    raw = key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return hashlib.sha256(raw).hexdigest()


def dsse_pae(payload: bytes, payload_type: str = IN_TOTO_PAYLOAD_TYPE) -> bytes:
    """DSSE v1 pre-authentication encoding, the bytes a DSSE signature covers:
    ``DSSEv1 SP LEN(type) SP type SP LEN(body) SP body``."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def _pae_model_signing_v02(payload: bytes) -> bytes:
    """The encoding model-signing 0.2 signed by mistake (its body went through ``str()``,
    so it reads ``b'...'`` with escapes); model-signing still accepts it, and so do we."""
    kind = IN_TOTO_PAYLOAD_TYPE
    return f"DSSEV1 {len(kind)} {kind} {len(payload)} {payload!r}".encode()


def dsse_signature_verifies(public_key_pem: bytes, payload: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the trusted EC key's ECDSA signature over the DSSE
    envelope of ``payload`` (an in-toto statement), as model-signing's elliptic-key
    signer makes it: the curve picks the hash (P-256 SHA-256, P-384 SHA-384, P-521
    SHA-512). Only ``cryptography`` is needed: model-signing and sigstore, which would
    cost about half a second to import, are kept for certificate and keyless bundles.
    Raises ValueError for a key that is not a supported EC public key."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = serialization.load_pem_public_key(public_key_pem)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("the trusted key is not an elliptic-curve public key")
    digests: dict[int, hashes.HashAlgorithm] = {
        256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()
    }
    digest = digests.get(key.curve.key_size)
    if digest is None:
        raise ValueError(f"unsupported curve {key.curve.name}")
    for encoded in (dsse_pae(payload), _pae_model_signing_v02(payload)):
        try:
            key.verify(signature, encoded, ec.ECDSA(digest))
        except InvalidSignature:
            continue
        return True
    return False


def _verify_key(
    decoded: DecodedSignature, sig_path: Path, trust: TrustSettings, base: dict[str, Any]
) -> VerificationResult:
    if not trust.keys:
        return VerificationResult(
            status="not_attempted",
            reason="no-trusted-keys",
            message="signed with a public key, but no trusted key is configured "
            "(signing.trusted_keys or --key)",
            **base,
        )
    candidates: list[tuple[TrustedFile, str]] = []
    for key in trust.keys:
        try:
            candidates.append((key, key_fingerprint(key.path.read_bytes())))
        except (OSError, ValueError, TypeError) as exc:
            return VerificationResult(
                status="failed",
                reason="trusted-key-unreadable",
                message=f"trusted key {key.shown} cannot be used ({_short(exc)})",
                **base,
            )
    hint = decoded.key_hint
    if hint is not None:
        matching = [c for c in candidates if c[1] == hint]
        if not matching:
            return VerificationResult(
                status="failed",
                reason="untrusted-key",
                message=f"signed by key {hint[:16]}…, which is none of the trusted keys "
                f"({', '.join(k.shown for k, _ in candidates)})",
                **base,
            )
        candidates = matching
    last = ""
    for key, fp in candidates:
        try:
            ok = dsse_signature_verifies(
                key.path.read_bytes(), decoded.payload, decoded.envelope_signature
            )
        except (OSError, ValueError, TypeError) as exc:
            last = _short(exc)
            continue
        if not ok:
            last = "the DSSE signature does not verify"
            continue
        return VerificationResult(
            status="verified", reason="verified",
            message=f"signature verified with trusted key {key.shown}",
            trusted_by=key.shown, **{**base, "key_fingerprint": fp},
        )
    if hint is not None:
        return VerificationResult(
            status="failed", reason="signature-invalid",
            message=f"the signature bytes do not verify with trusted key "
            f"{candidates[0][0].shown}, whose fingerprint the bundle names ({last})",
            **{**base, "key_fingerprint": hint},
        )
    return VerificationResult(
        status="failed", reason="untrusted-key",
        message=f"no trusted key verifies the signature ({last}); the bundle names no key",
        **base,
    )


# ------------------------------------------------------------ certificate-signed
def _verify_certificate(
    sig_path: Path, trust: TrustSettings, base: dict[str, Any]
) -> VerificationResult:
    if not trust.certificates:
        return VerificationResult(
            status="not_attempted",
            reason="no-trusted-certificates",
            message="signed with a certificate, but no trusted CA certificate is configured "
            "(signing.trusted_certificates or --certificate)",
            **base,
        )
    from cryptography.exceptions import InvalidSignature
    from model_signing._signing import sign_certificate, sign_sigstore_pb
    from OpenSSL import crypto

    shown = ", ".join(c.shown for c in trust.certificates)
    try:
        verifier = sign_certificate.Verifier([c.path for c in trust.certificates])
    except (OSError, ValueError) as exc:
        return VerificationResult(
            status="failed", reason="trusted-certificate-unreadable",
            message=f"trusted certificates {shown} cannot be used ({_short(exc)})", **base,
        )
    try:
        signature = sign_sigstore_pb.Signature.read(sig_path)
        verifier.verify(signature)
    except crypto.X509StoreContextError as exc:
        return VerificationResult(
            status="failed", reason="untrusted-certificate",
            message=f"the signing certificate does not chain to a trusted certificate ({shown}):"
            f" {_short(exc)}",
            **base,
        )
    except InvalidSignature:
        return VerificationResult(
            status="failed", reason="signature-invalid",
            message="the DSSE signature does not verify with the certificate's public key",
            **base,
        )
    except ValueError as exc:
        text = _short(exc)
        reason = "certificate-invalid" if "certificate" in text.lower() else "bundle-corrupt"
        return VerificationResult(status="failed", reason=reason, message=text, **base)
    except (KeyError, TypeError) as exc:
        return VerificationResult(
            status="failed", reason="bundle-corrupt",
            message=f"model-signing rejected the bundle: {_short(exc)}", **base,
        )
    return VerificationResult(
        status="verified", reason="verified",
        message=f"certificate chain verified to {shown}", trusted_by=shown, **base,
    )


# ---------------------------------------------------------------------- keyless
def _verify_keyless(
    decoded: DecodedSignature, sig_path: Path, trust: TrustSettings, base: dict[str, Any]
) -> VerificationResult:
    root_kind = "pinned" if trust.trust_root is not None else "sigstore-bundled"
    base = {**base, "trust_root": root_kind}
    if not decoded.tlog_entries:
        return VerificationResult(
            status="failed", reason="tlog-missing",
            message="keyless signature without a transparency-log entry cannot be verified",
            **base,
        )
    from sigstore.errors import Error as SigstoreError
    from sigstore.errors import VerificationError
    from sigstore.models import Bundle, InvalidBundle, TrustedRoot
    from sigstore.verify import Verifier, policy

    try:
        bundle = Bundle.from_json(sig_path.read_bytes())
    except (InvalidBundle, ValueError, OSError) as exc:
        text = _short(exc)
        reason = "tlog-invalid" if "inclusion" in text or "log entry" in text else "bundle-corrupt"
        return VerificationResult(status="failed", reason=reason, message=text, **base)
    sigstore_logger = logging.getLogger("sigstore")
    previous = sigstore_logger.level
    sigstore_logger.setLevel(logging.ERROR)  # "offline mode" warnings are expected here
    try:
        if trust.trust_root is not None:
            try:
                verifier = Verifier(trusted_root=TrustedRoot.from_file(str(trust.trust_root.path)))
            except (SigstoreError, ValueError, OSError) as exc:
                return VerificationResult(
                    status="failed", reason="trust-root-invalid",
                    message=f"trust root {trust.trust_root.shown} cannot be used: {_short(exc)}",
                    **base,
                )
        else:
            try:
                verifier = Verifier.production(offline=True)
            except (SigstoreError, ValueError, OSError) as exc:
                return VerificationResult(
                    status="failed", reason="trust-root-unavailable",
                    message=f"sigstore's bundled trust root cannot be loaded: {_short(exc)}",
                    **base,
                )
        try:
            verifier.verify_dsse(bundle, policy.UnsafeNoOp())
        except VerificationError as exc:
            return VerificationResult(status="failed", **_classify_sigstore(exc), **base)
    finally:
        sigstore_logger.setLevel(previous)
    if not trust.identities:
        return VerificationResult(
            status="not_attempted", reason="no-trusted-identities",
            message="the keyless signature verifies, but no trusted identity is configured "
            "(signing.trusted_identities or --identity/--issuer)",
            **base,
        )
    cert = bundle.signing_certificate
    for identity, issuer in trust.identities:
        try:
            policy.Identity(identity=identity, issuer=issuer).verify(cert)
        except VerificationError:
            continue
        return VerificationResult(
            status="verified", reason="verified",
            message=f"keyless signature verified for {identity} ({issuer})",
            trusted_by=identity, **base,
        )
    ident, iss = base.get("identity"), base.get("issuer")
    same_identity = [i for i, _ in trust.identities if i == ident]
    if same_identity:
        return VerificationResult(
            status="failed", reason="issuer-mismatch",
            message=f"signed by {ident} via issuer {iss}, but that identity is trusted only "
            f"from {', '.join(s for i, s in trust.identities if i == ident)}",
            **base,
        )
    return VerificationResult(
        status="failed", reason="identity-mismatch",
        message=f"signed by {ident} ({iss}), which is not a trusted identity",
        **base,
    )


def _classify_sigstore(exc: Exception) -> dict[str, str]:
    text = _short(exc)
    low = text.lower()
    if any(
        s in low
        for s in ("log entry", "inclusion", "checkpoint", "set:", "verified time", "entry body",
                  "log_id", "logid")
    ):
        return {"reason": "tlog-invalid", "message": f"transparency-log proof failed: {text}"}
    if "dsse" in low and "signature" in low:
        return {"reason": "signature-invalid", "message": f"signature does not verify: {text}"}
    if any(s in low for s in ("certificate", "sct", "usage", "chain", "expired")):
        return {
            "reason": "untrusted-certificate",
            "message": f"signing certificate not trusted by the trust root: {text}",
        }
    return {"reason": "signature-invalid", "message": text}


# --------------------------------------------------------------------- staging
def staging_log_ids() -> frozenset[str]:
    """Log ids of Sigstore's staging Rekor instances (from sigstore's bundled root)."""
    try:
        from importlib import resources

        ref = resources.files("sigstore._store").joinpath(
            "https%3A%2F%2Ftuf-repo-cdn.sigstage.dev", "trusted_root.json"
        )
        doc = json.loads(ref.read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError):
        return frozenset()
    ids = {
        t.get("logId", {}).get("keyId", "")
        for t in doc.get("tlogs", [])
        if isinstance(t, dict)
    }
    return frozenset(i for i in ids if i)


def trust_root_is_staging(text: str) -> bool:
    """A pinned trusted_root.json whose services live on sigstage.dev."""
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    urls: list[str] = []
    for section in ("tlogs", "ctlogs", "certificateAuthorities", "timestampAuthorities"):
        for item in doc.get(section, []) if isinstance(doc, dict) else []:
            if isinstance(item, dict):
                urls.append(str(item.get("baseUrl") or item.get("uri") or ""))
    return any(STAGING_HOST in u for u in urls)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]
