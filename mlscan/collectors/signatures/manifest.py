"""Compare a signed manifest with the files on disk.

model-signing names each resource relative to the model: a single-file model is one
resource named ``.``; a directory model lists every file below it, except the paths in
``serialization.ignore_paths`` (model-signing always ignores ``.git``, ``.gitattributes``,
``.github`` and ``.gitignore``, and its CLI adds the signature file when it lies inside the
model). Digests are sha256 of the whole file for the ``files`` method, and sha256 of the
byte range ``[start, end)`` for each ``path:start:end`` resource of the ``shards`` method.

On-disk digests come from the scan's shared ``DigestService`` (whole-file sha256), so a
shard is compared only when it covers its whole file; other shards are compared by
coverage (their end offsets against the file size) and listed as ``not_compared``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.signatures.bundle import GIT_PATHS, Resource, Serialization

SUPPORTED_HASHES = ("sha256",)


@dataclass(frozen=True, kw_only=True)
class OnDiskFile:
    name: str  # relative to the model ("." for a single-file model)
    path: str  # relative to the scan root
    sha256: str | None  # None when the file could not be hashed
    size: int


@dataclass(frozen=True, kw_only=True)
class ManifestDiff:
    compared: bool
    reason: str | None = None  # why not (fully) compared
    changed: tuple[str, ...] = ()  # scan-root-relative paths
    added: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    not_compared: tuple[str, ...] = ()
    ignored_files: tuple[str, ...] = ()  # on disk, excluded from signing by ignore_paths
    signed_files: int = 0

    @property
    def clean(self) -> bool:
        return not (self.changed or self.added or self.missing)

    def to_fact(self) -> dict[str, Any]:
        return {
            "compared": self.compared,
            "reason": self.reason,
            "changed": list(self.changed),
            "added": list(self.added),
            "missing": list(self.missing),
            "not_compared": list(self.not_compared),
            "signed_files": self.signed_files,
        }


@dataclass(frozen=True, kw_only=True)
class _Expected:
    digest: str | None
    shards: list[tuple[int, int, str]] = field(default_factory=list)


def is_ignored(name: str, ignore_paths: Iterable[str]) -> bool:
    """model-signing's rule: a path is ignored when it is, or lies below, an ignore path."""
    for raw in ignore_paths:
        p = raw.strip("/")
        if p.startswith("./"):
            p = p[2:]
        if p in ("", "."):
            continue
        if name == p or name.startswith(p + "/"):
            return True
    return False


def compare(
    *,
    model_path: str,
    is_dir: bool,
    serialization: Serialization,
    resources: tuple[Resource, ...],
    on_disk: Iterable[OnDiskFile],
    signature_path: str | None,
) -> ManifestDiff:
    """Diff the signed ``resources`` against ``on_disk`` (already filtered to the model)."""
    method = serialization.method
    if method not in ("files", "shards"):
        return ManifestDiff(compared=False, reason=f"unknown serialization method {method!r}")
    bad_alg = sorted({r.algorithm for r in resources if not _supported(r.algorithm)})
    if serialization.hash_type not in SUPPORTED_HASHES or bad_alg:
        alg = serialization.hash_type if not bad_alg else ", ".join(bad_alg)
        return ManifestDiff(
            compared=False,
            reason=f"signed with {alg}; mlscan compares sha256 manifests only",
        )
    recorded_ignores = set(serialization.ignore_paths)
    ignores = recorded_ignores | set(GIT_PATHS)
    sig_name = _relative(signature_path, model_path) if is_dir and signature_path else None
    disk: dict[str, OnDiskFile] = {}
    ignored_files: list[str] = []
    for item in on_disk:
        f = item
        if sig_name is not None and f.name == sig_name:
            continue
        if is_dir and is_ignored(f.name, ignores):
            if is_ignored(f.name, recorded_ignores) and not is_ignored(f.name, GIT_PATHS):
                ignored_files.append(f.path)
            continue
        disk[f.name] = f
    expected = _expected(resources, method)
    changed: list[str] = []
    missing: list[str] = []
    not_compared: list[str] = []
    unhashed: list[str] = []
    for name, exp in expected.items():
        found = disk.get(name)
        if found is None:
            missing.append(_join(model_path, name, is_dir))
            continue
        f = found
        if f.sha256 is None:
            unhashed.append(f.path)
            continue
        if exp.digest is not None:
            if exp.digest != f.sha256:
                changed.append(f.path)
            continue
        shards = sorted(exp.shards)
        if len(shards) == 1 and shards[0][0] == 0 and shards[0][1] == f.size:
            if shards[0][2] != f.sha256:
                changed.append(f.path)
        elif max(end for _, end, _ in shards) != f.size:
            changed.append(f.path)
        else:
            not_compared.append(f.path)
    added = [f.path for name, f in disk.items() if name not in expected]
    reason = None
    if unhashed:
        reason = "some files could not be hashed (size limit or unreadable): " + ", ".join(
            sorted(unhashed)
        )
    elif not_compared:
        reason = "multi-shard files compared by size only"
    return ManifestDiff(
        compared=not unhashed,
        reason=reason,
        changed=tuple(sorted(changed)),
        added=tuple(sorted(added)),
        missing=tuple(sorted(missing)),
        not_compared=tuple(sorted(not_compared + unhashed)),
        ignored_files=tuple(sorted(ignored_files)),
        signed_files=len(expected),
    )


def _supported(algorithm: str) -> bool:
    return algorithm in SUPPORTED_HASHES or algorithm.startswith("sha256-sharded-")


def _expected(resources: tuple[Resource, ...], method: str) -> Mapping[str, _Expected]:
    out: dict[str, _Expected] = {}
    for r in resources:
        if method == "files":
            out[_norm(r.name)] = _Expected(digest=r.digest)
            continue
        path, _, rng = r.name.rpartition(":")
        path, _, start_s = path.rpartition(":")
        try:
            start, end = int(start_s), int(rng)
        except ValueError:
            out[_norm(r.name)] = _Expected(digest=r.digest)
            continue
        out.setdefault(_norm(path), _Expected(digest=None)).shards.append((start, end, r.digest))
    return out


def _norm(name: str) -> str:
    if name in ("", "."):
        return "."
    return name[2:] if name.startswith("./") else name


def _relative(path: str, base: str) -> str | None:
    prefix = base.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else None


def _join(model_path: str, name: str, is_dir: bool) -> str:
    if not is_dir or name == ".":
        return model_path
    return f"{model_path.rstrip('/')}/{name}"
