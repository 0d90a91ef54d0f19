"""``mlscan verify``: a deployment gate for one model.

The model (a file or a directory) is hashed once, its model-signing signature is decoded,
its manifest compared with the files on disk, and the signature verified offline against
the trust given on the command line (``--key``, ``--certificate``, ``--identity`` +
``--issuer``, ``--trust-root``) or, when none is given, against the ``signing`` section of
the project configuration. The outcome is a frozen dataclass; the CLI prints it.

The pass/fail decision is the scan's: the model's facts (the same ``signatures.models[]``
fact a scan records) are evaluated by the policy engine as a one-model fact document, and
the model passes only when no control denies it (MLS-SIG-001 unsigned, MLS-SIG-002
contents differ, MLS-SIG-003 not verified, MLS-SIG-004 weak setup, MLS-SIG-005 not fully
compared, and any user control on signatures), so ``scan`` and ``verify`` agree. The
one-line message explains the first reason in the order a user fixes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscan.collectors.artifacts.discovery import ModelArtifact
from mlscan.collectors.signatures.collector import (
    BESIDE_SUFFIXES,
    ModelCheck,
    SignatureRef,
    check_model,
    gate,
    model_fact,
)
from mlscan.collectors.signatures.manifest import OnDiskFile
from mlscan.collectors.signatures.verify import (
    TrustedFile,
    TrustSettings,
    key_fingerprint,
    trust_root_is_staging,
)
from mlscan.config import Config, SigningConfig, find_config, load_config
from mlscan.controls import load_policy_set
from mlscan.errors import FileReadError, UsageError
from mlscan.findings import to_violations
from mlscan.hashing import DigestService
from mlscan.models import Notification, Violation
from mlscan.workspace import Workspace, WorkspaceFile, WorkspaceOptions

UNLIMITED = 1 << 62
MAX_SIGNATURE_SIZE = 64 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class VerifyOptions:
    model_path: str
    signature: str | None = None
    keys: tuple[str, ...] = ()
    certificates: tuple[str, ...] = ()
    identity: str | None = None
    issuer: str | None = None
    trust_root: str | None = None
    config_path: str | None = None
    policy_dirs: tuple[str, ...] = ()  # extra Rego folders, as for scan --policy


@dataclass(frozen=True, kw_only=True)
class GateViolation:
    control: str
    message: str


@dataclass(frozen=True, kw_only=True)
class VerifyOutcome:
    ok: bool
    model: str
    signature: str | None
    reason: str  # verified | unsigned | contents-differ | not-compared | a verification reason
    message: str  # one line, for the gate's output
    verification_status: str  # verified | failed | not_attempted
    verification_reason: str
    signer_kind: str | None = None
    identity: str | None = None
    issuer: str | None = None
    key_fingerprint: str | None = None
    trusted_by: str | None = None
    trust_source: str = "none"  # options | config | none
    staging: bool = False
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    not_compared: tuple[str, ...] = ()
    ignored_files: tuple[str, ...] = ()
    files: int = 0
    notes: tuple[str, ...] = field(default=())
    violations: tuple[GateViolation, ...] = ()  # what the controls denied

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "model": self.model,
            "signature": self.signature,
            "reason": self.reason,
            "message": self.message,
            "verification": {
                "status": self.verification_status,
                "reason": self.verification_reason,
                "signer_kind": self.signer_kind,
                "identity": self.identity,
                "issuer": self.issuer,
                "key_fingerprint": self.key_fingerprint,
                "trusted_by": self.trusted_by,
                "trust_source": self.trust_source,
                "staging": self.staging,
            },
            "manifest_diff": {
                "changed": list(self.changed),
                "added": list(self.added),
                "missing": list(self.missing),
                "not_compared": list(self.not_compared),
                "ignored_files": list(self.ignored_files),
            },
            "files": self.files,
            "notes": list(self.notes),
            "violations": [
                {"control": v.control, "message": v.message} for v in self.violations
            ],
        }


def verify_model(options: VerifyOptions) -> VerifyOutcome:
    """Run the gate. Raises UsageError for impossible requests (exit code 2)."""
    model = Path(options.model_path)
    if not model.exists():
        raise UsageError(f"model {options.model_path} does not exist")
    if not (model.is_file() or model.is_dir()):
        raise UsageError(f"model {options.model_path} is neither a file nor a directory")
    if (options.identity is None) != (options.issuer is None):
        raise UsageError("--identity and --issuer go together; pass both")
    kinds = sum(bool(k) for k in (options.keys, options.certificates, options.identity))
    if kinds > 1:
        raise UsageError("pass one of --key, --certificate or --identity/--issuer")
    shown = options.model_path.rstrip("/") or "."
    is_dir = model.is_dir()
    sig = _signature_path(model, options.signature)
    trust, trust_source = _trust(options)
    for key in trust.keys if trust_source == "options" else ():
        try:
            key_fingerprint(key.path.read_bytes())
        except (OSError, ValueError, TypeError) as exc:
            raise UsageError(f"--key {key.shown}: not a PEM public key ({exc})") from exc
    ws, names = _model_workspace(model)
    digests = DigestService(ws)
    digests.prefetch(names)
    on_disk: list[OnDiskFile] = []
    notes: list[Notification] = []
    for rel in names:
        disp = f"{shown}/{rel}" if is_dir else shown
        try:
            d = digests.digest(rel)
        except FileReadError as exc:
            notes.append(Notification(path=disp, message=exc.reason, source="verify"))
            on_disk.append(OnDiskFile(name=rel if is_dir else ".", path=disp, sha256=None, size=0))
            continue
        on_disk.append(
            OnDiskFile(name=rel if is_dir else ".", path=disp, sha256=d.sha256, size=d.size)
        )
    if sig is None:
        unsigned = check_model(
            model_path=shown, is_dir=is_dir, on_disk=on_disk, ref=None, read=None,
            real=None, trust=trust, trust_root_staging=False, notes=notes,
        )
        denied = _evaluate(options, shown, is_dir, names, on_disk, unsigned, trust)
        return VerifyOutcome(
            ok=not denied, model=shown, signature=None, reason="unsigned",
            message=f"{shown}: no signature found (looked for "
            + ", ".join(_candidates_shown(shown, is_dir)) + "); pass --signature FILE",
            verification_status="not_attempted", verification_reason="unsigned",
            trust_source=trust_source, files=len(on_disk), violations=denied,
        )
    sig_shown = str(options.signature) if options.signature else _shown_sibling(shown, sig, model)
    inside_rel = _inside(model, sig) if is_dir else None
    ref_path = f"{shown}/{inside_rel}" if inside_rel is not None else sig_shown
    ref = SignatureRef(path=ref_path, source="option" if options.signature else "beside")

    def read(_: str) -> bytes:
        try:
            size = sig.stat().st_size
            if size > MAX_SIGNATURE_SIZE:
                raise FileReadError(sig_shown, f"is {size} bytes; not a signature", "too-large")
            return sig.read_bytes()
        except OSError as exc:
            raise FileReadError(sig_shown, f"cannot be read ({exc.strerror})") from exc

    check = check_model(
        model_path=shown, is_dir=is_dir, on_disk=on_disk, ref=ref, read=read,
        real=lambda _: sig.resolve(), trust=trust,
        trust_root_staging=_root_staging(trust), notes=notes,
    )
    v = check.verification
    assert v is not None
    diff = check.diff
    common: dict[str, Any] = {
        "model": shown, "signature": sig_shown,
        "verification_status": v.status, "verification_reason": v.reason,
        "signer_kind": v.signer_kind, "identity": v.identity, "issuer": v.issuer,
        "key_fingerprint": v.key_fingerprint, "trusted_by": v.trusted_by,
        "trust_source": trust_source, "staging": check.staging, "files": len(on_disk),
        "notes": tuple(f"{n.path}: {n.message}" for n in sorted(set(notes))),
    }
    if diff is not None:
        common.update(
            changed=diff.changed, added=diff.added, missing=diff.missing,
            not_compared=diff.not_compared, ignored_files=diff.ignored_files,
        )
    denied = _evaluate(options, shown, is_dir, names, on_disk, check, trust)
    common["violations"] = denied
    decision = gate(check)
    if v.status != "verified":
        hint = (
            ""
            if trust.configured or v.reason.startswith("no-trusted")
            else " (pass --key, --certificate or --identity/--issuer)"
        )
        reason, message = v.reason, f"{v.message}{hint}"
    elif not decision.ok:
        reason, message = decision.reason, decision.detail
    elif denied:  # verified and fully compared, but a control still denies it
        reason = denied[0].control
        message = "; ".join(f"{d.control}: {d.message}" for d in denied)
    else:
        reason, message = decision.reason, decision.detail
    return VerifyOutcome(ok=not denied, reason=reason, message=f"{shown}: {message}", **common)


def _evaluate(
    options: VerifyOptions,
    shown: str,
    is_dir: bool,
    names: tuple[str, ...],
    on_disk: list[OnDiskFile],
    check: ModelCheck,
    trust: TrustSettings,
) -> tuple[GateViolation, ...]:
    """The controls' verdict on a one-model fact document: the model is required to be
    signed, and its fact is the one a scan records."""
    from mlscan.engine.embedded import EmbeddedEngine
    from mlscan.scan import SCHEMA_VERSION

    config, base = _config(options.config_path)
    dirs = list(options.policy_dirs)
    for d in config.policies:
        p = Path(d)
        dirs.append(str(p if p.is_absolute() or base is None else base / p))
    policies = load_policy_set(dirs)
    artifact = ModelArtifact(
        path=shown,
        kind="dir" if is_dir else "file",
        format="directory" if is_dir else (Path(shown).suffix.lstrip(".") or "file"),
        members=tuple(f"{shown}/{n}" for n in names) if is_dir else (),
    )
    signing = SigningConfig(required=(shown,))
    fact = model_fact(artifact, signing, on_disk, check, trust)
    document = {
        "schema_version": SCHEMA_VERSION,
        "signatures": {
            "policy": {
                "required": [shown],
                "trusted_keys": len(trust.keys),
                "trusted_certificates": len(trust.certificates),
                "trusted_identities": len(trust.identities),
                "trust_root": trust.trust_root.shown if trust.trust_root else None,
                "trust_root_staging": _root_staging(trust),
            },
            "models": [fact],
        },
    }
    violations = to_violations(EmbeddedEngine(policies).evaluate(document), policies)
    return tuple(
        GateViolation(control=v.control_id, message=v.message)
        for v in sorted(violations, key=_order)
        if v.asset == shown and v.control_id not in config.disable
    )


def _order(v: Violation) -> tuple[str, str]:
    return (v.control_id, v.message)


# ---------------------------------------------------------------------- helpers
def _signature_path(model: Path, given: str | None) -> Path | None:
    if given is not None:
        p = Path(given)
        if not p.is_file():
            raise UsageError(f"--signature {given}: no such file")
        return p
    base = model.resolve()
    for suffix in BESIDE_SUFFIXES:
        candidate = base.with_name(base.name + suffix)
        if candidate.is_file() and _within(candidate, base.parent):
            return candidate
    inside = model / "model.sig"
    if model.is_dir() and inside.is_file() and _within(inside, base):
        return inside
    return None


def _within(path: Path, root: Path) -> bool:
    """A signature found (not given) must not be a symlink that leaves its folder."""
    real = path.resolve()
    return real == root or root in real.parents


def _candidates_shown(shown: str, is_dir: bool) -> list[str]:
    out = [shown + s for s in BESIDE_SUFFIXES]
    if is_dir:
        out.append(f"{shown}/model.sig")
    return out


def _shown_sibling(shown: str, sig: Path, model: Path) -> str:
    if model.is_dir() and sig.parent.resolve() == model.resolve():
        return f"{shown}/{sig.name}"
    return shown + sig.name[len(model.resolve().name):]


def _inside(model: Path, sig: Path) -> str | None:
    root = model.resolve()
    real = sig.resolve()
    if root in real.parents:
        return real.relative_to(root).as_posix()
    return None


def _model_workspace(model: Path) -> tuple[Workspace, tuple[str, ...]]:
    opts = WorkspaceOptions(max_file_size=UNLIMITED, honour_gitignore=False)
    if model.is_dir():
        ws = Workspace.discover(model, opts)
        return ws, tuple(f.path for f in ws.files)
    real = model.resolve()
    ws = Workspace(
        root=real.parent,
        files=(WorkspaceFile(path=real.name, size=real.stat().st_size),),
        tracked=None,
        options=opts,
    )
    return ws, (real.name,)


def _trust(options: VerifyOptions) -> tuple[TrustSettings, str]:
    def files(items: tuple[str, ...], base: Path | None) -> tuple[TrustedFile, ...]:
        out = []
        for shown in items:
            p = Path(shown)
            if base is not None and not p.is_absolute():
                p = base / p
            out.append(TrustedFile(shown=shown, path=p))
        return tuple(out)

    root = (
        TrustedFile(shown=options.trust_root, path=Path(options.trust_root))
        if options.trust_root else None
    )
    if options.keys or options.certificates or options.identity:
        return TrustSettings(
            keys=files(options.keys, None),
            certificates=files(options.certificates, None),
            identities=((options.identity, options.issuer),)
            if options.identity and options.issuer else (),
            trust_root=root,
        ), "options"
    config, base = _config(options.config_path)
    s = config.signing
    if not (s.trusted_keys or s.trusted_certificates or s.trusted_identities):
        return TrustSettings(trust_root=root), "none"
    if root is None and s.trust_root:
        root = files((s.trust_root,), base)[0]
    return TrustSettings(
        keys=files(s.trusted_keys, base),
        certificates=files(s.trusted_certificates, base),
        identities=tuple((i.identity, i.issuer) for i in s.trusted_identities),
        trust_root=root,
    ), "config"


def _config(config_path: str | None) -> tuple[Config, Path | None]:
    if config_path is not None:
        path = Path(config_path)
        return load_config(path), path.resolve().parent
    found = find_config(Path.cwd())
    if found is None:
        return Config(), None
    return load_config(found), found.resolve().parent


def _root_staging(trust: TrustSettings) -> bool:
    if trust.trust_root is None:
        return False
    try:
        return trust_root_is_staging(trust.trust_root.path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
