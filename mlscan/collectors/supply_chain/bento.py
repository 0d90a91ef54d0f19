"""BentoML build files: the Python environment a Bento is built with.

``bentofile.yaml`` (``bentoml build``) lists the service's packages under
``python.packages`` and may name a ``python.requirements_txt``; ``bentoml build`` resolves
every unpinned entry to whatever release is current at build time (``lock_packages`` only
freezes that choice into the Bento), so the serving image may unpickle the model with a
library version it was never trained or tested with. One ``supply_chain.bento_envs[]``
entry per bentofile; rego/controls/model/unpinned_env.rego decides.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.artifacts.mlmodel import _pip_dep, _requirements, redact
from mlscan.sourcemap import Node

BENTOFILES = frozenset({"bentofile.yaml", "bentofile.yml"})


def is_bentofile(rel: str) -> bool:
    return PurePosixPath(rel).name in BENTOFILES


def environment(
    rel: str, docs: list[Node], read_text: Callable[[str], str | None]
) -> list[dict[str, Any]]:
    if not docs or docs[0].kind != "map":
        return []
    root = docs[0]
    python = root.get("python")
    service = root.value.get("service") if isinstance(root.value, dict) else None
    deps: list[dict[str, Any]] = []
    requirements = None
    if python is not None and python.kind == "map":
        packages = python.get("packages")
        if packages is not None and packages.kind == "seq":
            for item in packages.children:
                if not isinstance(item.value, str):
                    continue
                parsed = _pip_dep(item.value)
                if parsed is None:
                    continue
                deps.append(
                    {
                        "name": parsed[0],
                        "spec": redact(item.value),
                        "pinned": parsed[1],
                        "source": "packages",
                        "loc": item.span.loc(rel),
                    }
                )
        req = python.get("requirements_txt")
        if req is not None and isinstance(req.value, str) and ".." not in req.value:
            base = PurePosixPath(rel).parent
            requirements = posixpath.normpath((base / req.value.strip()).as_posix())
            text = read_text(requirements)
            if text is not None:
                listed = _requirements(text, requirements)
                deps += [{**d, "source": "requirements_txt"} for d in listed]
    return [
        {
            "path": rel,
            "service": service if isinstance(service, str) else None,
            "requirements_txt": requirements,
            "dependencies": deps,
            "loc": (python.key_span or python.span).loc(rel) if python is not None
            else root.span.loc(rel),
        }
    ]
