"""Decode a model-signing signature (a Sigstore bundle holding a DSSE envelope) WITHOUT
trusting it.

Everything here is plain JSON and base64 from the standard library: nothing is verified,
nothing is loaded from the network. The result says what the signature *claims* (the
per-file manifest, the serialization, the signer material, the transparency-log entries)
so that the collector can compare the claim with the files on disk even when no key is
configured. Cryptographic verification lives in ``signatures_verify``.

Supported statement shapes (model-signing 1.x):

* predicate ``https://model_signing/signature/v1.0``: one subject (model name + sha256 over
  the concatenated resource digests), ``predicate.serialization`` (method ``files`` or
  ``shards``, ``hash_type``, ``allow_symlinks``, optional ``shard_size`` and
  ``ignore_paths``) and ``predicate.resources`` (``name``, ``algorithm``, ``digest``);
* predicate ``https://model_signing/Digests/v0.1`` (model-signing 0.2): one subject per
  file with a ``sha256`` digest, serialized by files.

A single-file model is recorded as one resource named ``.``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json"
IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1"
PREDICATE_V1 = "https://model_signing/signature/v1.0"
PREDICATE_DIGESTS_V01 = "https://model_signing/Digests/v0.1"
BUNDLE_MEDIA_PREFIX = "application/vnd.dev.sigstore.bundle"

# Fulcio certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md)
OID_FULCIO_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1"  # raw string (deprecated)
OID_FULCIO_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8"  # DER UTF8String
GIT_PATHS = (".git", ".gitattributes", ".github", ".gitignore")
MAX_BUNDLE_SIZE = 64 * 1024 * 1024


class BundleError(Exception):
    """The signature file cannot be decoded. ``reason`` is a stable code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True, kw_only=True, order=True)
class Resource:
    name: str  # path relative to the model ("." for a single-file model; "p:start:end" shards)
    algorithm: str
    digest: str  # lower-case hex


@dataclass(frozen=True, kw_only=True)
class Serialization:
    method: str  # files | shards
    hash_type: str
    allow_symlinks: bool | None = None
    shard_size: int | None = None
    ignore_paths: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CertificateInfo:
    identity: str | None
    issuer: str | None  # OIDC issuer from the Fulcio extension, if any
    subject: str
    issuer_dn: str
    fingerprint: str  # sha256 of the DER certificate
    fulcio: bool  # carries a Fulcio OIDC-issuer extension (keyless)


@dataclass(frozen=True, kw_only=True)
class TlogEntry:
    log_id: str
    log_index: str
    kind: str
    version: str
    integrated_time: str | None
    has_inclusion_proof: bool
    has_inclusion_promise: bool


@dataclass(frozen=True, kw_only=True)
class DecodedSignature:
    media_type: str
    payload_type: str
    predicate_type: str
    format: str  # model-signing-v1 | model-signing-digests-v0.1
    model_name: str | None
    serialization: Serialization
    resources: tuple[Resource, ...]
    root_digest_ok: bool | None  # v1: subject digest matches the resources; None: n/a
    signer_kind: str  # public_key | certificate | keyless | unknown
    key_hint: str | None
    certificates_der: tuple[bytes, ...]  # leaf first
    certificate: CertificateInfo | None
    tlog_entries: tuple[TlogEntry, ...]
    rfc3161_timestamps: int
    signature_count: int
    payload: bytes
    envelope_signature: bytes


def decode_bundle(data: bytes) -> DecodedSignature:
    """Decode a signature file's bytes. Raises BundleError with a reason code."""
    if len(data) > MAX_BUNDLE_SIZE:
        raise BundleError("bundle-too-large", f"signature is over {MAX_BUNDLE_SIZE} bytes")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("bundle-not-json", f"signature is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise BundleError("bundle-malformed", "signature is not a JSON object")
    media_type = _str(doc.get("mediaType"))
    if not media_type.startswith(BUNDLE_MEDIA_PREFIX):
        raise BundleError(
            "bundle-malformed",
            f"not a Sigstore bundle (mediaType {media_type or 'missing'!r})",
        )
    envelope = doc.get("dsseEnvelope")
    if not isinstance(envelope, dict):
        kind = "a message signature" if "messageSignature" in doc else "no DSSE envelope"
        raise BundleError(
            "bundle-not-dsse", f"bundle holds {kind}; model-signing signs a DSSE envelope"
        )
    payload_type = _str(envelope.get("payloadType"))
    payload = _b64(envelope.get("payload"), "dsseEnvelope.payload")
    sigs = envelope.get("signatures")
    if not isinstance(sigs, list) or not sigs or not isinstance(sigs[0], dict):
        raise BundleError("bundle-malformed", "DSSE envelope has no signature")
    envelope_signature = _b64(sigs[0].get("sig"), "dsseEnvelope.signatures[0].sig")
    if payload_type != IN_TOTO_PAYLOAD_TYPE:
        raise BundleError(
            "payload-unsupported",
            f"DSSE payload type is {payload_type!r}, expected {IN_TOTO_PAYLOAD_TYPE}",
        )
    try:
        statement = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BundleError("payload-not-json", f"DSSE payload is not JSON ({exc})") from exc
    if not isinstance(statement, dict):
        raise BundleError("payload-malformed", "in-toto statement is not a JSON object")
    if statement.get("_type") != IN_TOTO_STATEMENT_V1:
        raise BundleError(
            "payload-unsupported",
            f"statement type is {statement.get('_type')!r}, expected {IN_TOTO_STATEMENT_V1}",
        )
    predicate_type = _str(statement.get("predicateType"))
    if predicate_type == PREDICATE_V1:
        fmt = "model-signing-v1"
        model_name, serialization, resources, root_ok = _v1_manifest(statement)
    elif predicate_type == PREDICATE_DIGESTS_V01:
        fmt = "model-signing-digests-v0.1"
        model_name, root_ok = None, None
        serialization = Serialization(method="files", hash_type="sha256", allow_symlinks=False)
        resources = _compat_manifest(statement)
    else:
        raise BundleError(
            "payload-unsupported",
            f"predicate type {predicate_type or 'missing'!r} is not a model-signing manifest",
        )
    material = doc.get("verificationMaterial")
    if not isinstance(material, dict):
        raise BundleError("bundle-malformed", "bundle has no verificationMaterial")
    signer_kind, key_hint, certs = _signer_material(material)
    cert_info = certificate_info(certs[0]) if certs else None
    if signer_kind == "certificate" and cert_info is not None and cert_info.fulcio:
        signer_kind = "keyless"
    tlog = _tlog_entries(material.get("tlogEntries"))
    tsd = material.get("timestampVerificationData")
    stamps = tsd.get("rfc3161Timestamps") if isinstance(tsd, dict) else None
    return DecodedSignature(
        media_type=media_type,
        payload_type=payload_type,
        predicate_type=predicate_type,
        format=fmt,
        model_name=model_name,
        serialization=serialization,
        resources=tuple(sorted(resources)),
        root_digest_ok=root_ok,
        signer_kind=signer_kind,
        key_hint=key_hint,
        certificates_der=certs,
        certificate=cert_info,
        tlog_entries=tlog,
        rfc3161_timestamps=len(stamps) if isinstance(stamps, list) else 0,
        signature_count=len(sigs),
        payload=payload,
        envelope_signature=envelope_signature,
    )


# ------------------------------------------------------------------- statement
def _v1_manifest(
    statement: dict[str, Any],
) -> tuple[str | None, Serialization, list[Resource], bool]:
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or len(subjects) != 1 or not isinstance(subjects[0], dict):
        raise BundleError("payload-malformed", "statement must have exactly one subject")
    subject = subjects[0]
    digest_map = subject.get("digest")
    root = digest_map.get("sha256") if isinstance(digest_map, dict) else None
    predicate = statement.get("predicate")
    if not isinstance(predicate, dict):
        raise BundleError("payload-malformed", "statement has no predicate")
    ser = predicate.get("serialization")
    if not isinstance(ser, dict) or not isinstance(ser.get("method"), str):
        raise BundleError("payload-malformed", "predicate has no serialization method")
    ignore = ser.get("ignore_paths")
    shard = ser.get("shard_size")
    allow = ser.get("allow_symlinks")
    serialization = Serialization(
        method=ser["method"],
        hash_type=_str(ser.get("hash_type")),
        allow_symlinks=allow if isinstance(allow, bool) else None,
        shard_size=_int(shard),
        ignore_paths=tuple(sorted({str(p) for p in ignore})) if isinstance(ignore, list) else (),
    )
    raw = predicate.get("resources")
    if not isinstance(raw, list):
        raise BundleError("payload-malformed", "predicate has no resources list")
    resources: list[Resource] = []
    hasher = hashlib.sha256()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise BundleError("payload-malformed", f"resource {i} is not an object")
        name, alg, dig = item.get("name"), item.get("algorithm"), item.get("digest")
        if not (isinstance(name, str) and isinstance(alg, str) and isinstance(dig, str)):
            raise BundleError("payload-malformed", f"resource {i} lacks name, algorithm or digest")
        try:
            hasher.update(bytes.fromhex(dig))
        except ValueError as exc:
            raise BundleError("payload-malformed", f"resource {name!r} digest is not hex") from exc
        resources.append(Resource(name=name, algorithm=alg, digest=dig.lower()))
    root_ok = isinstance(root, str) and root.lower() == hasher.hexdigest()
    name = subject.get("name")
    return (name if isinstance(name, str) else None), serialization, resources, root_ok


def _compat_manifest(statement: dict[str, Any]) -> list[Resource]:
    subjects = statement.get("subject")
    if not isinstance(subjects, list):
        raise BundleError("payload-malformed", "statement has no subject list")
    resources: list[Resource] = []
    for i, subject in enumerate(subjects):
        digest_map = subject.get("digest") if isinstance(subject, dict) else None
        name = subject.get("name") if isinstance(subject, dict) else None
        dig = digest_map.get("sha256") if isinstance(digest_map, dict) else None
        if not isinstance(name, str) or not isinstance(dig, str):
            raise BundleError("payload-malformed", f"subject {i} lacks a name or sha256 digest")
        resources.append(Resource(name=name, algorithm="sha256", digest=dig.lower()))
    return resources


# -------------------------------------------------------------------- material
def _signer_material(material: dict[str, Any]) -> tuple[str, str | None, tuple[bytes, ...]]:
    if isinstance(material.get("publicKey"), dict):
        hint = material["publicKey"].get("hint")
        return "public_key", (hint if isinstance(hint, str) and hint else None), ()
    if isinstance(material.get("certificate"), dict):
        der = _b64(material["certificate"].get("rawBytes"), "verificationMaterial.certificate")
        return "certificate", None, (der,)
    chain = material.get("x509CertificateChain")
    if isinstance(chain, dict) and isinstance(chain.get("certificates"), list):
        certs = tuple(
            _b64(c.get("rawBytes") if isinstance(c, dict) else None,
                 f"verificationMaterial.x509CertificateChain.certificates[{i}]")
            for i, c in enumerate(chain["certificates"])
        )
        if certs:
            return "certificate", None, certs
    return "unknown", None, ()


def _tlog_entries(raw: Any) -> tuple[TlogEntry, ...]:
    if not isinstance(raw, list):
        return ()
    out: list[TlogEntry] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        log_id = item.get("logId")
        kv = item.get("kindVersion")
        out.append(
            TlogEntry(
                log_id=_str(log_id.get("keyId")) if isinstance(log_id, dict) else "",
                log_index=str(item.get("logIndex", "")),
                kind=_str(kv.get("kind")) if isinstance(kv, dict) else "",
                version=_str(kv.get("version")) if isinstance(kv, dict) else "",
                integrated_time=(
                    str(item["integratedTime"]) if item.get("integratedTime") is not None else None
                ),
                has_inclusion_proof=isinstance(item.get("inclusionProof"), dict),
                has_inclusion_promise=isinstance(item.get("inclusionPromise"), dict),
            )
        )
    return tuple(out)


def certificate_info(der: bytes) -> CertificateInfo:
    """Identity, OIDC issuer and fingerprint of a DER certificate (not verified)."""
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise BundleError(
            "certificate-malformed", f"signing certificate is not DER ({exc})"
        ) from exc
    identity: str | None = None
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        uris = san.get_values_for_type(x509.UniformResourceIdentifier)
        emails = san.get_values_for_type(x509.RFC822Name)
        others = [
            v.value for v in san if isinstance(v, x509.OtherName)
        ]
        if uris:
            identity = uris[0]
        elif emails:
            identity = emails[0]
        elif others:
            identity = _der_string(others[0])
    except (x509.ExtensionNotFound, ValueError):
        identity = None
    issuer: str | None = None
    fulcio = False
    for ext in cert.extensions:
        oid = ext.oid.dotted_string
        if oid not in (OID_FULCIO_ISSUER_V1, OID_FULCIO_ISSUER_V2):
            continue
        fulcio = True
        value = ext.value
        raw = value.value if isinstance(value, x509.UnrecognizedExtension) else b""
        text = _der_string(raw) if oid == OID_FULCIO_ISSUER_V2 else raw.decode("utf-8", "replace")
        if text and (issuer is None or oid == OID_FULCIO_ISSUER_V2):
            issuer = text
    return CertificateInfo(
        identity=identity,
        issuer=issuer,
        subject=cert.subject.rfc4514_string(),
        issuer_dn=cert.issuer.rfc4514_string(),
        fingerprint=hashlib.sha256(der).hexdigest(),
        fulcio=fulcio,
    )


def _der_string(raw: bytes) -> str | None:
    """Decode a DER UTF8String / IA5String (short or long form length); None otherwise."""
    if len(raw) < 2 or raw[0] not in (0x0C, 0x16, 0x13):
        return None
    length = raw[1]
    offset = 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or len(raw) < 2 + n:
            return None
        length = int.from_bytes(raw[2 : 2 + n], "big")
        offset = 2 + n
    body = raw[offset : offset + length]
    if len(body) != length:
        return None
    return body.decode("utf-8", "replace")


# --------------------------------------------------------------------- helpers
def _int(value: Any) -> int | None:
    """An integer; protobuf Struct numbers (the statement's predicate) arrive as floats."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _b64(value: Any, where: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise BundleError("bundle-malformed", f"{where} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleError("bundle-bad-base64", f"{where} is not valid base64") from exc
