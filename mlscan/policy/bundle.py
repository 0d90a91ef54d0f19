"""``mlscan policy bundle``: the policy set as a standard OPA bundle (``.tar.gz``).

Layout::

    .manifest                         {"revision": ..., "roots": ["mlscan"], "rego_version": 1, ...}
    rego/controls/<family>/<name>.rego   built-in policies (tests excluded)
    rego/lib/<name>.rego
    policies/<folder>/<path>.rego     each --policy folder, under its own name
    data.json                         only when there is data

The bytes are deterministic: members sorted by name, fixed mtime/uid/gid/mode, gzip
header without a timestamp or file name. The same policies give the same bundle.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlscan import __version__
from mlscan.controls import PolicyFile, PolicySet, load_policy_set
from mlscan.errors import PolicyError
from mlscan.policy.testing import load_engine

ROOT = "mlscan"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, kw_only=True)
class Bundle:
    data: bytes
    revision: str
    roots: tuple[str, ...]
    members: tuple[str, ...]
    policy_hash: str


def default_revision(policies: PolicySet) -> str:
    return f"mlscan-{__version__}-{policies.policy_hash()}"


def _safe(segment: str) -> str:
    return _UNSAFE.sub("_", segment) or "_"


def bundle_paths(policies: PolicySet, user_dirs: Iterable[str | Path] = ()) -> dict[str, str]:
    """Shown policy path -> its stable path inside the bundle (tests excluded)."""
    dirs = [Path(d) for d in user_dirs]
    names: list[str] = []
    for i, d in enumerate(dirs):
        name = _safe(d.resolve().name or f"policies{i}")
        names.append(name if name not in names else f"{name}-{i + 1}")
    out: dict[str, str] = {}
    for f in policies.files:
        if f.is_test:
            continue
        if f.builtin:
            out[f.shown] = f.shown  # already "rego/<relative path>"
            continue
        for d, name in zip(dirs, names, strict=True):
            try:
                rel = f.path.relative_to(d)
            except ValueError:
                continue
            out[f.shown] = "/".join(["policies", name, *(_safe(p) for p in rel.parts)])
            break
        else:  # pragma: no cover - load_policy_set only reads from the given folders
            raise PolicyError(f.shown, "is outside every --policy folder")
    return out


def bundle_roots(files: Iterable[PolicyFile]) -> tuple[str, ...]:
    """``mlscan`` plus the top-level segment of any user package outside it."""
    roots = {ROOT}
    for f in files:
        if not f.is_test:
            roots.add(f.package.split(".", 1)[0])
    return tuple(sorted(roots))


def _member(name: str, payload: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = 0
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info, payload


def build_bundle(
    user_dirs: Iterable[str | Path] = (),
    *,
    revision: str | None = None,
    include_builtin: bool = True,
    data: Mapping[str, Any] | None = None,
) -> Bundle:
    user_dirs = tuple(user_dirs)
    policies = load_policy_set(user_dirs, include_builtin=include_builtin)
    load_engine(policies)  # a bundle that does not compile would not activate on OPA
    paths = bundle_paths(policies, user_dirs)
    # every package and every top-level data key must sit under a root, or OPA refuses
    # to activate the bundle
    roots = tuple(sorted(set(bundle_roots(policies.files)) | set(data or {})))
    rev = revision if revision is not None else default_revision(policies)
    manifest = {
        "revision": rev,
        "roots": list(roots),
        "rego_version": 1,
        "metadata": {
            "mlscan": {
                "version": __version__,
                "policy_hash": policies.policy_hash(),
                "controls": [c.id for c in policies.controls],
            }
        },
    }
    members: dict[str, bytes] = {
        ".manifest": (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    }
    for f in policies.files:
        if not f.is_test:
            members[paths[f.shown]] = f.text.encode("utf-8")
    if data:
        members["data.json"] = (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()

    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(members):
            info, payload = _member(name, members[name])
            tar.addfile(info, io.BytesIO(payload))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(tar_bytes.getvalue())
    return Bundle(
        data=out.getvalue(),
        revision=rev,
        roots=roots,
        members=tuple(sorted(members)),
        policy_hash=policies.policy_hash(),
    )
