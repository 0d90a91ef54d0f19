"""Helm charts in the tree that deploy MLflow, and which YAML files are their values.

A chart deploys MLflow when its ``Chart.yaml`` is named like it (``name: mlflow``) or
depends on an MLflow chart (the values of that dependency live under its name or alias).
A values file is ``values*.yaml`` (or ``*values.yaml``, or any YAML under a ``values/``
folder) beside such a chart, or anywhere when its path names MLflow; whether it really
configures an MLflow chart is decided from its keys (``deploy_helm.flavour``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext
from mlscan.collectors.mlflow.cmd import image_mlflow_version
from mlscan.workspace import Workspace


@dataclass(frozen=True, kw_only=True)
class ChartInfo:
    name: str
    chart_ref: str | None
    app_version: str | None
    aliases: tuple[str, ...]  # values keys of MLflow dependencies
    alias_refs: tuple[tuple[str, str], ...] = ()  # (alias, "repository name")


@dataclass(kw_only=True)
class ChartIndex:
    charts: dict[str, ChartInfo] = field(default_factory=dict)  # chart dir -> info
    versions: list[dict[str, Any]] = field(default_factory=list)


def _dir(rel: str) -> str:
    parent = str(PurePosixPath(rel).parent)
    return "" if parent == "." else parent


def chart_index(ws: Workspace, ctx: CollectContext) -> ChartIndex:
    index = ChartIndex()
    for f in ws.candidates():
        if f.name != "Chart.yaml":
            continue
        docs = ctx.parsed.yaml(f.path)
        if not docs or docs[0].kind != "map":
            continue
        doc = docs[0]
        name = doc.get_str("name") or ""
        app = doc.get("appVersion")
        app_version = str(app.value) if app is not None and app.value is not None else None
        aliases: list[str] = []
        refs: list[tuple[str, str]] = []
        deps = doc.get("dependencies")
        for dep in deps.children if deps is not None and deps.kind == "seq" else []:
            if dep.kind == "map" and "mlflow" in (dep.get_str("name") or "").lower():
                alias = dep.get_str("alias") or dep.get_str("name") or "mlflow"
                aliases.append(alias)
                refs.append((alias, f"{dep.get_str('repository') or ''} {dep.get_str('name')}"))
        if "mlflow" not in name.lower() and not aliases:
            continue
        own = "mlflow" in name.lower()
        index.charts[_dir(f.path)] = ChartInfo(
            name=name,
            chart_ref=name if own else None,
            app_version=app_version if own else None,
            aliases=tuple(aliases),
            alias_refs=tuple(refs),
        )
        version = image_mlflow_version(f"mlflow:{app_version}") if own and app_version else None
        if version and app is not None:
            parts = [int(p) for p in re.findall(r"\d+", version)[:3]]
            index.versions.append(
                {
                    "version": version,
                    "parts": parts + [0] * (3 - len(parts)),
                    "source": "chart-appVersion",
                    "image": None,
                    "path": f.path,
                    "loc": app.span.loc(f.path),
                }
            )
    return index


def chart_values_name(rel: str) -> bool:
    """``values*.yaml``, ``*values.yaml`` or any YAML under a ``values/`` folder."""
    p = PurePosixPath(rel)
    lower = p.name.lower()
    if not lower.endswith((".yaml", ".yml")):
        return False
    return (
        lower.startswith("values")
        or lower.endswith(("values.yaml", "values.yml"))
        or "values" in [part.lower() for part in p.parts[:-1]]
    )


def chart_values(rel: str, index: ChartIndex) -> ChartInfo | None:
    """The chart whose values ``rel`` holds, when it may configure MLflow."""
    if not chart_values_name(rel):
        return None
    d = _dir(rel)
    while True:
        info = index.charts.get(d)
        if info is not None:
            return info
        if not d:
            break
        d = _dir(d)
    if "mlflow" in rel.lower():
        return ChartInfo(name="mlflow", chart_ref=None, app_version=None, aliases=("mlflow",))
    return None
