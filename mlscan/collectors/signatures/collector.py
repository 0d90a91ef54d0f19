"""Model signatures: discovery, manifest comparison and offline verification.

For every model artifact (``artifacts.discovery.discover_models``) the collector looks for
a model-signing signature:

* ``signing.signatures`` in the configuration (model path -> signature path);
* ``<model>.sig`` beside the model (for a directory ``models/x/`` that is ``models/x.sig``),
  ``<model>.sigstore.json`` and ``<model>.sigstore``;
* ``model.sig`` inside a model directory (model-signing's default name).

The signature is decoded without trusting it (``signatures_bundle``), its manifest is
compared with the on-disk sha256 of every file (from the scan's shared digest service,
so each file is read once), and it is verified offline against the configured keys,
certificates or Sigstore identities (``signatures_verify``). Facts go under
``signatures.models``; docs/facts.md documents every field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlscan.collectors.artifacts.discovery import (
    MODEL_DIR_HINTS,
    MODEL_EXTENSIONS,
    ModelArtifact,
    discover_models,
    in_model_location,
    is_signature_file,
    matches_any,
)
from mlscan.collectors.base import CollectContext, CollectorOutput, notification
from mlscan.collectors.signatures.bundle import BundleError, DecodedSignature, decode_bundle
from mlscan.collectors.signatures.evidence import signing_evidence
from mlscan.collectors.signatures.manifest import ManifestDiff, OnDiskFile, compare
from mlscan.collectors.signatures.verify import (
    TrustedFile,
    TrustSettings,
    VerificationResult,
    staging_log_ids,
    trust_root_is_staging,
    verify_signature,
)
from mlscan.config import SigningConfig
from mlscan.errors import FileReadError
from mlscan.models import Location, Notification
from mlscan.workspace import Workspace

SOURCE = "signatures"
BESIDE_SUFFIXES = (".sig", ".sigstore.json", ".sigstore")
INSIDE_NAMES = ("model.sig",)


@dataclass(frozen=True, kw_only=True)
class SignatureRef:
    path: str
    source: str  # config | beside | inside


@dataclass(frozen=True, kw_only=True)
class ModelCheck:
    """Everything known about one model's signature (shared with ``mlscan verify``)."""

    signature: SignatureRef | None
    decoded: DecodedSignature | None
    bundle_error: BundleError | None
    diff: ManifestDiff | None
    verification: VerificationResult | None
    staging: bool
    inside_model_dir: bool


class SignaturesCollector:
    family = "signatures"

    def applies(self, ws: Workspace) -> bool:
        return any(
            is_signature_file(f.path)
            or f.name in ("MLmodel", "saved_model.pb")
            or PurePosixPath(f.path).suffix.lower() in MODEL_EXTENSIONS
            or f.suffix == ".json"
            or any(part.lower() in MODEL_DIR_HINTS for part in PurePosixPath(f.path).parts[:-1])
            for f in ws.candidates(include_ignored=True)
        )

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        signing = ctx.config.signing
        notes: list[Notification] = []
        models = discover_models(ws, signing.required, tuple(signing.signatures))
        trust, trust_notes, root_staging = trust_from_config(ws, signing)
        notes.extend(trust_notes)
        refs = {m.path: find_signature(ws, m, signing) for m in models}
        for model_key, sig in sorted(signing.signatures.items()):
            path = sig[2:] if sig.startswith("./") else sig
            if not ws.exists(path):
                notes.append(notification(
                    path, f"signing.signatures names {path} for {_norm_key(model_key)}, "
                    "but that file is not in the scanned tree", SOURCE, kind="missing-file",
                ))
        ctx.digests.prefetch(p for m in models for p in _files_of(m))
        used: set[str] = set()
        facts: list[dict[str, Any]] = []
        parsed: list[str] = []
        for m in models:
            ref = refs[m.path]
            on_disk, unreadable = _on_disk(ws, ctx, m)
            notes.extend(unreadable)
            check = check_model(
                model_path=m.path,
                is_dir=m.kind == "dir",
                on_disk=on_disk,
                ref=ref,
                read=lambda rel: ws.read_bytes(rel),
                real=lambda rel: ws.abspath(rel),
                trust=trust,
                trust_root_staging=root_staging,
                notes=notes,
            )
            if ref is not None:
                used.add(ref.path)
                parsed.append(ref.path)
            facts.append(model_fact(m, signing, on_disk, check, trust))
        orphans = [
            {"path": f.path, "loc": Location(path=f.path).to_fact()}
            for f in ws.candidates(include_ignored=True)
            if is_signature_file(f.path) and f.path not in used and _looks_like_model_sig(f.path)
        ]
        return CollectorOutput(
            facts={
                "policy": {
                    "required": list(signing.required),
                    "trusted_keys": len(signing.trusted_keys),
                    "trusted_certificates": len(signing.trusted_certificates),
                    "trusted_identities": len(signing.trusted_identities),
                    "trust_root": signing.trust_root,
                    "trust_root_staging": root_staging,
                },
                "models": sorted(facts, key=lambda f: f["path"]),
                "orphan_signatures": orphans,
                "signing_evidence": signing_evidence(ws, ctx) if models else [],
            },
            notifications=tuple(sorted(set(notes))),
            files=tuple(sorted(parsed)),
        )


# ------------------------------------------------------------------ discovery
def find_signature(
    ws: Workspace, model: ModelArtifact, signing: SigningConfig
) -> SignatureRef | None:
    """The signature that belongs to ``model``: configured first, then beside it."""
    for model_key, sig in sorted(signing.signatures.items()):
        path = sig[2:] if sig.startswith("./") else sig
        if _norm_key(model_key) == model.path and ws.exists(path):
            return SignatureRef(path=path, source="config")
    for suffix in BESIDE_SUFFIXES:
        candidate = model.path + suffix
        if ws.exists(candidate):
            return SignatureRef(path=candidate, source="beside")
    if model.kind == "dir":
        for name in INSIDE_NAMES:
            candidate = f"{model.path}/{name}"
            if ws.exists(candidate):
                return SignatureRef(path=candidate, source="inside")
    return None


def _norm_key(key: str) -> str:
    key = key.rstrip("/")
    return key[2:] if key.startswith("./") else key


def _looks_like_model_sig(path: str) -> bool:
    low = path.lower()
    return low.endswith((".sigstore", ".sigstore.json")) or (
        low.endswith(".sig")
        and any(part.lower() in MODEL_DIR_HINTS for part in PurePosixPath(path).parts[:-1])
    )


def _files_of(m: ModelArtifact) -> tuple[str, ...]:
    return m.members if m.kind == "dir" else (m.path,)


def _on_disk(
    ws: Workspace, ctx: CollectContext, m: ModelArtifact
) -> tuple[list[OnDiskFile], list[Notification]]:
    out: list[OnDiskFile] = []
    notes: list[Notification] = []
    for rel in _files_of(m):
        name = rel[len(m.path) + 1:] if m.kind == "dir" else "."
        f = ws.get(rel)
        try:
            d = ctx.digests.digest(rel)
        except FileReadError as exc:
            notes.append(notification(rel, f"not hashed for signature checks: {exc.reason}",
                                      SOURCE, kind=exc.kind, level="note"))
            out.append(OnDiskFile(name=name, path=rel, sha256=None, size=f.size if f else 0))
            continue
        out.append(OnDiskFile(name=name, path=rel, sha256=d.sha256, size=d.size))
    return out, notes


# ----------------------------------------------------------------------- trust
def trust_from_config(
    ws: Workspace, signing: SigningConfig
) -> tuple[TrustSettings, list[Notification], bool]:
    """Resolve configured trust files. Relative paths are scan-root relative and must stay
    inside it; absolute paths are used as given (they are configuration, not content)."""
    notes: list[Notification] = []

    def resolve(items: tuple[str, ...], what: str) -> tuple[TrustedFile, ...]:
        out: list[TrustedFile] = []
        for shown in items:
            path = Path(shown)
            if not path.is_absolute():
                try:
                    path = ws.abspath(shown)
                except FileReadError as exc:
                    notes.append(notification(shown, f"{what} not used: {exc.reason}", SOURCE,
                                              kind=exc.kind))
                    continue
            out.append(TrustedFile(shown=shown, path=path))
        return tuple(out)

    roots = resolve((signing.trust_root,) if signing.trust_root else (), "signing.trust_root")
    staging = False
    if roots:
        try:
            staging = trust_root_is_staging(roots[0].path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            staging = False
    trust = TrustSettings(
        keys=resolve(signing.trusted_keys, "signing.trusted_keys"),
        certificates=resolve(signing.trusted_certificates, "signing.trusted_certificates"),
        identities=tuple((i.identity, i.issuer) for i in signing.trusted_identities),
        trust_root=roots[0] if roots else None,
    )
    return trust, notes, staging


# ----------------------------------------------------------------------- check
def check_model(
    *,
    model_path: str,
    is_dir: bool,
    on_disk: list[OnDiskFile],
    ref: SignatureRef | None,
    read: Any,
    real: Any,
    trust: TrustSettings,
    trust_root_staging: bool,
    notes: list[Notification],
) -> ModelCheck:
    """Decode, compare and verify one model's signature. ``read(rel) -> bytes`` and
    ``real(rel) -> Path`` give access to the signature file (they may raise FileReadError)."""
    if ref is None:
        return ModelCheck(signature=None, decoded=None, bundle_error=None, diff=None,
                          verification=None, staging=False, inside_model_dir=False)
    inside = is_dir and ref.path.startswith(model_path.rstrip("/") + "/")
    try:
        data: bytes = read(ref.path)
        sig_real: Path = real(ref.path)
    except FileReadError as exc:
        notes.append(notification(ref.path, f"signature not read: {exc.reason}", SOURCE,
                                  kind=exc.kind))
        err = BundleError("signature-unreadable", f"signature {ref.path} cannot be read: "
                          f"{exc.reason}")
        return ModelCheck(signature=ref, decoded=None, bundle_error=err, diff=None,
                          verification=corrupt_verification(err), staging=trust_root_staging,
                          inside_model_dir=inside)
    try:
        decoded = decode_bundle(data)
    except BundleError as err:
        return ModelCheck(signature=ref, decoded=None, bundle_error=err, diff=None,
                          verification=corrupt_verification(err), staging=trust_root_staging,
                          inside_model_dir=inside)
    diff = compare(
        model_path=model_path,
        is_dir=is_dir,
        serialization=decoded.serialization,
        resources=decoded.resources,
        on_disk=on_disk,
        signature_path=ref.path,
    )
    verification = verify_signature(decoded, sig_real, trust)
    staging = trust_root_staging
    if decoded.tlog_entries:
        staging_ids = staging_log_ids()
        staging = staging or any(e.log_id in staging_ids for e in decoded.tlog_entries)
    return ModelCheck(signature=ref, decoded=decoded, bundle_error=None, diff=diff,
                      verification=verification, staging=staging, inside_model_dir=inside)


@dataclass(frozen=True, kw_only=True)
class GateDecision:
    """The deployment gate's verdict on a checked model (``mlscan verify``, registry)."""

    ok: bool
    reason: str  # verified | unsigned | contents-differ | not-compared | a verification reason
    detail: str  # one line, without the model's name


def gate(check: ModelCheck) -> GateDecision:
    """A one-line account of a checked model: verified, or the first reason it is not
    (unsigned, the verification failure, contents differ, not fully compared). The
    registry records it as the version's status; ``mlscan verify`` prints it, while the
    pass/fail decision there comes from the signature controls (the engine)."""
    v = check.verification
    if check.signature is None or v is None:
        return GateDecision(ok=False, reason="unsigned", detail="no signature found")
    if v.status != "verified":
        return GateDecision(ok=False, reason=v.reason, detail=v.message)
    diff = check.diff
    if diff is None or not diff.clean:
        parts = []
        if diff is not None:
            for label, items in (("changed", diff.changed), ("added", diff.added),
                                 ("missing", diff.missing)):
                if items:
                    parts.append(f"{label}: {', '.join(items)}")
        return GateDecision(
            ok=False, reason="contents-differ",
            detail=f"contents differ from the signed manifest ({'; '.join(parts)})",
        )
    if not diff.compared or diff.not_compared:
        return GateDecision(
            ok=False, reason="not-compared",
            detail=f"signature verified but contents not fully compared ({diff.reason})",
        )
    return GateDecision(
        ok=True, reason="verified",
        detail=f"verified ({v.message}; {diff.signed_files} file(s) match)",
    )


def corrupt_verification(err: BundleError) -> VerificationResult:
    return VerificationResult(
        status="failed",
        reason="bundle-corrupt",
        message=f"signature cannot be decoded ({err.reason}): {err.message}",
        signer_kind="unknown",
    )


# ----------------------------------------------------------------------- facts
def _model_loc(m: ModelArtifact) -> dict[str, Any]:
    """File-level: the model file, or the model directory itself (its MLmodel or signature
    are in the facts beside it)."""
    return Location(path=m.path).to_fact()


def signature_fact(check: ModelCheck, loc: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """What the signature claims (decoded without trusting it), for the facts."""
    decoded = check.decoded
    ref = check.signature
    if ref is None:
        return None
    sig_fact: dict[str, Any] = {
        "path": ref.path,
        "source": ref.source,
        "loc": loc if loc is not None else Location(path=ref.path).to_fact(),
        "decoded": decoded is not None,
        "error": (
            {"reason": check.bundle_error.reason, "message": check.bundle_error.message}
            if check.bundle_error else None
        ),
    }
    if decoded is not None:
        ser = decoded.serialization
        cert = decoded.certificate
        sig_fact.update(
            {
                "media_type": decoded.media_type,
                "predicate_type": decoded.predicate_type,
                "format": decoded.format,
                "model_name": decoded.model_name,
                "serialization": {
                    "method": ser.method,
                    "hash_type": ser.hash_type,
                    "shard_size": ser.shard_size,
                    "allow_symlinks": ser.allow_symlinks,
                    "ignore_paths": list(ser.ignore_paths),
                },
                "resources": len(decoded.resources),
                "root_digest_ok": decoded.root_digest_ok,
                "signer": {
                    "kind": decoded.signer_kind,
                    "key_hint": decoded.key_hint,
                    "identity": cert.identity if cert else None,
                    "issuer": cert.issuer if cert else None,
                    "certificate_subject": cert.subject if cert else None,
                    "certificate_issuer": cert.issuer_dn if cert else None,
                    "certificate_fingerprint": cert.fingerprint if cert else None,
                    "certificates": len(decoded.certificates_der),
                },
                "tlog": [
                    {
                        "kind": e.kind,
                        "version": e.version,
                        "log_index": e.log_index,
                        "log_id": e.log_id,
                        "integrated_time": e.integrated_time,
                        "has_inclusion_proof": e.has_inclusion_proof,
                        "has_inclusion_promise": e.has_inclusion_promise,
                    }
                    for e in decoded.tlog_entries
                ],
                "rfc3161_timestamps": decoded.rfc3161_timestamps,
            }
        )
    return sig_fact


def model_fact(
    m: ModelArtifact,
    signing: SigningConfig,
    on_disk: list[OnDiskFile],
    check: ModelCheck,
    trust: TrustSettings,
) -> dict[str, Any]:
    """One ``signatures.models[]`` fact (the scan's, and ``mlscan verify``'s one-model
    document)."""
    decoded = check.decoded
    ref = check.signature
    sig_fact = signature_fact(check)
    diff = check.diff
    verification = (
        check.verification.to_fact()
        if check.verification is not None
        else {
            "status": "not_attempted", "reason": "unsigned", "message": "no signature found",
            "signer_kind": None, "identity": None, "issuer": None, "key_fingerprint": None,
            "trusted_by": None, "trust_root": "not_applicable",
        }
    )
    return {
        "path": m.path,
        "kind": m.kind,
        "format": m.format,
        "loc": _model_loc(m),
        "required": _required(m, signing.required),
        "in_model_location": in_model_location(m),
        "signed": ref is not None,
        "signature_path": ref.path if ref else None,
        "signature": sig_fact,
        "files": [
            {"path": f.path, "sha256": f.sha256, "size": f.size}
            for f in sorted(on_disk, key=lambda f: f.path)
        ],
        "verification": verification,
        "manifest_diff": diff.to_fact() if diff is not None else None,
        "ignored_files": list(diff.ignored_files) if diff is not None else [],
        "tlog_entries": len(decoded.tlog_entries) if decoded else 0,
        "trust_root": {
            "kind": verification["trust_root"],
            "pinned_path": trust.trust_root.shown if trust.trust_root else None,
            "staging": check.staging,
        },
        "signature_inside_model_dir": check.inside_model_dir,
    }


def _required(m: ModelArtifact, globs: tuple[str, ...]) -> bool:
    if not globs:
        return False
    if matches_any(m.path, globs):
        return True
    return m.kind == "dir" and any(matches_any(p, globs) for p in m.members)
