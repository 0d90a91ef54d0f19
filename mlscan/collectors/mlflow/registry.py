"""The ``mlflow_registry`` family: the model registry as it runs, over the REST API.

Only active when the user asks for it (``--mlflow-uri``): it is the one collector that
talks to the network, and only to that server. It enumerates registered models and
versions (aliases, stages, tags, sources) and fetches each version's ``MLmodel`` (parsed
by the same code as on-disk MLmodel files, with the environment files beside it) and its
signature files (decoded without trusting them). Weights are not fetched unless
``--mlflow-download-artifacts`` is given: then every file of each version is downloaded
into a private temporary folder (``mlflow_registry_download``, bounded), model files are
analysed statically like local ones (never loaded), and the signature is verified like
``mlscan verify`` does (manifest against the downloaded files, offline verification
against the configured ``signing`` trust). The folder is removed afterwards.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscan.collectors.artifacts.collector import (
    analyse_open_file,
    declared_format,
    file_fields,
    limits_from,
    unanalysed_note,
)
from mlscan.collectors.artifacts.mlmodel import mlmodel_fact_from_text
from mlscan.collectors.base import CollectContext, CollectorOutput, line_loc, notification
from mlscan.collectors.mlflow.cmd import looks_secret_name, redact_uri
from mlscan.collectors.mlflow.registry_download import (
    DownloadBudget,
    VersionDownload,
    download_version,
)
from mlscan.collectors.mlflow.rest import (
    Credentials,
    MlflowRest,
    RequestBudgetExhausted,
    RestLimits,
)
from mlscan.collectors.signatures.bundle import BundleError, decode_bundle
from mlscan.collectors.signatures.collector import (
    BESIDE_SUFFIXES,
    ModelCheck,
    SignatureRef,
    check_model,
    corrupt_verification,
    gate,
    signature_fact,
    trust_from_config,
)
from mlscan.collectors.signatures.manifest import OnDiskFile
from mlscan.collectors.signatures.verify import TrustSettings
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.workspace import Workspace

SOURCE = "mlflow-registry"
MAX_SIGNATURE_BYTES = 4 * 1024 * 1024
MAX_ENV_BYTES = 1024 * 1024


def logical(name: str, version: str | None = None) -> str:
    return f"models:/{name}" if version is None else f"models:/{name}/{version}"


class MlflowRegistryCollector:
    family = "mlflow_registry"
    option = "mlflow_uri"  # collected only when this option is set

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        uri = ctx.options.mlflow_uri
        if not uri:
            return CollectorOutput(facts={})
        client = MlflowRest(str(uri), Credentials.from_env(), limits=rest_limits(ctx))
        notes: list[Notification] = []
        models: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        download = ctx.options.mlflow_download_artifacts
        trust, trust_notes, root_staging = trust_from_config(ws, ctx.config.signing)
        if download:
            notes.extend(trust_notes)
        job = _Job(
            client=client, ctx=ctx, ws=ws, notes=notes, download=download, trust=trust,
            staging=root_staging,
            budget=DownloadBudget(per_file=int(ctx.config.limits.max_file_size),
                                  total=int(ctx.config.limits.max_registry_download)),
        )
        tmp = Path(tempfile.mkdtemp(prefix="mlscan-registry-")) if download else None
        try:
            self._walk(client, models, versions, job, tmp)
        except RequestBudgetExhausted as exc:
            notes.append(notification(client.shown, str(exc), SOURCE, kind="registry-limit"))
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
        notes.extend(client.notes)
        versions.sort(key=lambda v: (v["name"], int(v["version"]) if v["version"].isdigit() else 0))
        facts = {
            "server": {"uri": client.shown, "auth": client.credentials.kind},
            "download_artifacts": download,
            "models": sorted(models, key=lambda m: m["name"]),
            "versions": versions,
        }
        return CollectorOutput(facts=facts, notifications=tuple(notes))

    def _walk(self, client: MlflowRest, models: list[dict[str, Any]],
              versions: list[dict[str, Any]], job: _Job, tmp: Path | None) -> None:
        seen_models: set[str] = set()
        for m in client.registered_models():
            name = m["name"]
            if name in seen_models:  # a server that repeats itself across pages
                continue
            seen_models.add(name)
            aliases = sorted(
                (
                    {"alias": str(a.get("alias")), "version": str(a.get("version"))}
                    for a in m.get("aliases") or []
                    if isinstance(a, dict)
                ),
                key=lambda a: a["alias"],
            )
            models.append(
                {
                    "name": name,
                    "logical_location": logical(name),
                    "aliases": aliases,
                    "tags": _tags(m.get("tags")),
                    "loc": line_loc(logical(name)),
                }
            )
            by_version: dict[str, list[str]] = {}
            for a in aliases:
                by_version.setdefault(a["version"], []).append(a["alias"])
            seen_versions: set[str] = set()
            for v in client.model_versions(name):
                if str(v.get("version")) in seen_versions:
                    continue
                seen_versions.add(str(v.get("version")))
                dest = None
                if tmp is not None:
                    dest = tmp / f"v{len(versions)}"
                    dest.mkdir(mode=0o700)
                try:
                    versions.append(_version_fact(job, name, v, by_version, dest))
                finally:
                    if dest is not None:
                        shutil.rmtree(dest, ignore_errors=True)


def rest_limits(ctx: CollectContext) -> RestLimits:
    """The client's bounds: ``limits.mlflow_*`` from the configuration, the command
    line's --mlflow-timeout and --mlflow-deadline on top."""
    lim = ctx.config.limits
    deadline = ctx.options.mlflow_deadline or lim.mlflow_request_deadline
    return RestLimits(
        timeout=float(ctx.options.mlflow_timeout or 10.0),
        deadline=float(deadline),
        max_requests=int(lim.mlflow_max_requests),
        max_pages=int(lim.mlflow_max_pages),
        max_entries=int(lim.mlflow_max_entries),
        max_walk_depth=int(lim.mlflow_max_walk_depth),
        max_walk_dirs=int(lim.mlflow_max_walk_dirs),
        scan_deadline=float(lim.mlflow_scan_deadline),
    )


def _text(value: Any) -> str | None:
    """A scalar from the server as text (None when absent); anything else, e.g. a
    nested structure where a string belongs, is not carried into the facts."""
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)


def _tags(raw: Any) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for t in raw or []:
        if isinstance(t, dict) and isinstance(t.get("key"), str):
            key = t["key"]
            value = t.get("value")
            out.append({"key": key, "value": None if looks_secret_name(key) else str(value)})
    return sorted(out, key=lambda t: str(t["key"]))


@dataclass(frozen=True, kw_only=True)
class _Job:
    client: MlflowRest
    ctx: CollectContext
    ws: Workspace
    notes: list[Notification]
    download: bool
    trust: TrustSettings
    staging: bool
    budget: DownloadBudget


def _version_fact(
    job: _Job, name: str, v: dict[str, Any], aliases: dict[str, list[str]], dest: Path | None
) -> dict[str, Any]:
    client, notes = job.client, job.notes
    version = str(v.get("version"))
    where = logical(name, version)
    files = client.list_version_files(v)
    listed = {str(f["path"]) for f in files or []}
    signature_files = sorted(p for p in listed if p.endswith(BESIDE_SUFFIXES))
    mlmodel = _mlmodel(client, name, version, where, listed if files is not None else None, notes)
    signatures: list[dict[str, Any]] = []
    sig_bytes: dict[str, bytes] = {}
    for path in signature_files:
        data = client.version_artifact(name, version, path, limit=MAX_SIGNATURE_BYTES)
        signatures.append({"path": path, "size": len(data) if data is not None else None})
        if data is not None:
            sig_bytes[path] = data
    primary = _primary_signature(signature_files, sig_bytes)
    fact: dict[str, Any] = {
        "name": name,
        "version": version,
        "logical_location": where,
        "stage": _text(v.get("current_stage")),
        "status": _text(v.get("status")),
        "aliases": sorted(aliases.get(version, [])),
        "source": redact_uri(str(v.get("source") or "")),
        "run_id": _text(v.get("run_id")),
        "tags": _tags(v.get("tags")),
        "files": sorted(files or [], key=lambda f: str(f["path"])),
        "files_listed": files is not None,
        "signature_files": signature_files,
        "signatures": signatures,
        "mlmodel": mlmodel,
        "signature": None,
        "signed_files": [],
        "downloaded": False,
        "download": None,
        "model_files": [],
        "manifest_diff": None,
        "verification": _verification("not_attempted", "unsigned", "no signature artifact"),
        "loc": line_loc(where),
    }
    ref = SignatureRef(path=f"{where}/{primary}", source="inside") if primary else None
    if dest is not None and files is not None:
        got = download_version(client, name, version, files, dest, job.budget)
        notes.extend(got.notes)
        fact["downloaded"] = True
        fact["download"] = got.to_fact()
        fact["model_files"] = _analyse(job, where, got)
        if ref is not None and primary is not None:
            check = _verify(job, where, ref, primary, got, sig_bytes.get(primary))
            _record_signature(fact, check, where)
            decision = gate(check)
            ver = check.verification
            if decision.ok:
                status = "verified"
            elif ver is not None and ver.status != "verified":
                status = ver.status
            else:
                status = "failed" if decision.reason == "contents-differ" else "not_attempted"
            fact["verification"] = _verification(status, decision.reason, decision.detail, check)
    elif dest is not None:
        notes.append(notification(where, "files of the model version cannot be listed; "
                                  "nothing downloaded", SOURCE, kind="registry-download"))
    if ref is not None and primary is not None and not fact["downloaded"]:
        check = _decode_only(ref, sig_bytes.get(primary))
        _record_signature(fact, check, where)
        if check.bundle_error is not None and check.verification is not None:
            fact["verification"] = _verification(
                "failed", check.verification.reason, check.verification.message, check)
        else:
            fact["verification"] = _verification(
                "not_attempted", "not-downloaded",
                "the signature was decoded but not verified: the version's files were not "
                "downloaded (--mlflow-download-artifacts)", check)
    return fact


def _primary_signature(paths: list[str], fetched: dict[str, bytes]) -> str | None:
    """The version's signature: model-signing's default ``model.sig`` first."""
    if not paths:
        return None
    if "model.sig" in paths:
        return "model.sig"
    return next((p for p in paths if p in fetched), paths[0])


def _verification(status: str, reason: str, message: str,
                  check: ModelCheck | None = None) -> dict[str, Any]:
    v = check.verification if check is not None else None
    return {
        "status": status,
        "reason": reason,
        "message": message,
        "signer_kind": v.signer_kind if v is not None else None,
        "identity": v.identity if v is not None else None,
        "issuer": v.issuer if v is not None else None,
        "key_fingerprint": v.key_fingerprint if v is not None else None,
        "trusted_by": v.trusted_by if v is not None else None,
    }


def _record_signature(fact: dict[str, Any], check: ModelCheck, where: str) -> None:
    fact["signature"] = signature_fact(check, loc=line_loc(where))
    if check.decoded is not None:
        fact["signed_files"] = sorted({r.name for r in check.decoded.resources})
    if check.diff is not None:
        fact["manifest_diff"] = check.diff.to_fact()


def _decode_only(ref: SignatureRef, data: bytes | None) -> ModelCheck:
    """Decode the signature without trusting it (no weights: nothing to verify against)."""
    try:
        if data is None:
            raise BundleError("signature-unreadable", f"{ref.path} could not be fetched")
        decoded = decode_bundle(data)
    except BundleError as err:
        return ModelCheck(signature=ref, decoded=None, bundle_error=err, diff=None,
                          verification=corrupt_verification(err), staging=False,
                          inside_model_dir=True)
    return ModelCheck(signature=ref, decoded=decoded, bundle_error=None, diff=None,
                      verification=None, staging=False, inside_model_dir=True)


def _verify(job: _Job, where: str, ref: SignatureRef, primary: str, got: VersionDownload,
            fetched: bytes | None) -> ModelCheck:
    """``mlscan verify``'s checks on the downloaded files: manifest and signature."""
    by_rel = {f.rel: f for f in got.files}
    on_disk = [OnDiskFile(name=f.rel, path=f"{where}/{f.rel}", sha256=f.sha256, size=f.size)
               for f in got.files]
    on_disk += [OnDiskFile(name=str(s["path"]), path=f"{where}/{s['path']}", sha256=None, size=0)
                for s in got.skipped]
    sig_local = by_rel.get(primary)

    def read(_: str) -> bytes:
        if sig_local is not None and sig_local.size <= MAX_SIGNATURE_BYTES:
            return sig_local.local.read_bytes()
        if fetched is None:
            raise FileReadError(ref.path, "could not be downloaded", "unreadable")
        return fetched

    def real(_: str) -> Path:
        if sig_local is None:
            raise FileReadError(ref.path, "could not be downloaded", "unreadable")
        return sig_local.local

    return check_model(
        model_path=where, is_dir=True, on_disk=sorted(on_disk, key=lambda f: f.name), ref=ref,
        read=read, real=real, trust=job.trust, trust_root_staging=job.staging, notes=job.notes,
    )


def _analyse(job: _Job, where: str, got: VersionDownload) -> list[dict[str, Any]]:
    """Static analysis of every downloaded model file, as for local files."""
    limits = limits_from(job.ctx, job.ws)
    out: list[dict[str, Any]] = []
    for f in got.files:
        declared = declared_format(f.rel)
        if declared is None:
            continue
        shown = f"{where}/{f.rel}"
        with f.local.open("rb") as fh:
            result = analyse_open_file(fh, f.size, declared, limits)
        fact: dict[str, Any] = {
            "path": f.rel, "logical_path": shown, "declared_format": declared,
            "size": f.size, "sha256": f.sha256,
        }
        fact.update(file_fields(result, declared))
        out.append(fact)
        note = unanalysed_note(shown, result)
        if note is not None:
            job.notes.append(note)
    return out


def _mlmodel(client: MlflowRest, name: str, version: str, where: str,
             listed: set[str] | None, notes: list[Notification]) -> dict[str, Any] | None:
    raw = client.version_artifact(name, version, "MLmodel")
    if raw is None:
        notes.append(notification(where, "model version has no MLmodel file", SOURCE, "missing"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        notes.append(notification(f"{where}/MLmodel", "MLmodel is not UTF-8 text", SOURCE))
        return None

    def read_env(env: str) -> str | None:
        if listed is not None and env not in listed:
            return None
        data = client.version_artifact(name, version, env, limit=MAX_ENV_BYTES)
        if data is None:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise FileReadError(f"{where}/{env}", "is not UTF-8 text") from None

    fact, m_notes = mlmodel_fact_from_text(text, f"{where}/MLmodel", where, read_env)
    notes.extend(m_notes)
    return fact

