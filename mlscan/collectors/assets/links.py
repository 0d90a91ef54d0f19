"""The ML asset graph: which storage URLs the project uses, and which bucket plays which role.

Links come from DVC remotes (``.dvc/config`` urls), MLflow artifact roots and
destinations (``--default-artifact-root`` / ``--artifacts-destination`` in compose files,
Kubernetes manifests, Dockerfiles and scripts), serving ``MODEL_URI``-style environment
variables, tracking URIs, and SageMaker model data URLs. Each bucket (from IaC or only
from a link) gets roles: ``training-data``, ``model-store`` or ``registry-artifacts``,
from its links first and from its name or tags as a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from mlscan.collectors.dvc.ini import DvcConfigReading
from mlscan.sourcemap import Span

ROLE_PRIORITY = ("registry-artifacts", "model-store", "training-data", "inference-data")
_MLFLOW_FLAG = re.compile(
    r"--(default-artifact-root|artifacts-destination)(?:=|[\s\"',\-\[\]]+?)[\"']?"
    r"([a-z][a-z0-9+.-]*://[^\s\"',\]\\]+)",
    re.IGNORECASE,
)
_BUCKET_SCHEMES = {
    "s3": "aws",
    "gs": "gcp",
    "gcs": "gcp",
    "azure": "azure",
    "wasbs": "azure",
    "abfss": "azure",
    "wasb": "azure",
    "abfs": "azure",
}
_MODEL_ENV = frozenset({"MODEL_URI", "MODEL_PATH", "MODEL_URL", "MLFLOW_MODEL_URI", "STORAGE_URI"})
_TRACKING_ENV = frozenset({"MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI"})
_NAME_HINTS = (
    ("registry-artifacts", re.compile(r"(mlflow|registry|artifact)", re.IGNORECASE)),
    ("model-store", re.compile(r"model", re.IGNORECASE)),
    (
        "training-data",
        re.compile(r"(data|dataset|training|train|feature|label|corpus)", re.IGNORECASE),
    ),
)
_LINK_ROLE = {
    "dvc-remote": "training-data",
    "mlflow-artifact-root": "registry-artifacts",
    "mlflow-artifacts-destination": "registry-artifacts",
    "model-uri": "model-store",
    "sagemaker-model-data": "model-store",
    "data-capture": "inference-data",
}
_KIND_ORDER = {
    "dvc-remote": 0,
    "mlflow-artifact-root": 1,
    "mlflow-artifacts-destination": 2,
    "model-uri": 3,
    "sagemaker-model-data": 4,
    "tracking-uri": 5,
    "data-capture": 6,
}
LINK_LABEL = {
    "dvc-remote": "DVC remote",
    "mlflow-artifact-root": "MLflow artifact root",
    "mlflow-artifacts-destination": "MLflow artifacts destination",
    "model-uri": "serving model URI",
    "tracking-uri": "MLflow tracking URI",
    "sagemaker-model-data": "SageMaker model data",
    "data-capture": "SageMaker data capture",
}


def split_storage_url(url: str) -> dict[str, Any]:
    """``s3://bucket/prefix`` -> {scheme, provider, bucket, prefix}; bucket None for
    non-bucket URLs (http, file, ...)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return {"scheme": None, "provider": None, "bucket": None, "prefix": None}
    scheme = parts.scheme.lower() or None
    provider = _BUCKET_SCHEMES.get(scheme or "")
    bucket: str | None = None
    prefix: str | None = None
    if provider is not None:
        host = parts.hostname or ""
        if scheme in ("wasbs", "abfss", "wasb", "abfs") and "@" in parts.netloc:
            bucket = parts.netloc.split("@", 1)[0]  # container@account.host
        else:
            bucket = host or None
        prefix = parts.path.lstrip("/") or None
    return {"scheme": scheme, "provider": provider, "bucket": bucket, "prefix": prefix}


def _link(kind: str, name: str, url: str, loc: dict[str, Any], source: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "url": url,
        **split_storage_url(url),
        "source": source,
        "loc": loc,
    }


def dvc_remote_links(path: str, reading: DvcConfigReading) -> list[dict[str, Any]]:
    """Remote urls in a ``.dvc/config`` file, as DVC reads it (credentials are never read)."""
    out = []
    for name, entry, url in reading.remote_urls():
        span = entry.value_span or entry.key_span
        out.append(_link("dvc-remote", name, redact_userinfo(url), span.loc(path), path))
    return out


def redact_userinfo(url: str) -> str:
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@\s]*@", r"\1", url, flags=re.IGNORECASE)


def mlflow_flag_links(path: str, text: str) -> list[dict[str, Any]]:
    """``--default-artifact-root`` / ``--artifacts-destination`` values in any text."""
    out = []
    for m in _MLFLOW_FLAG.finditer(text):
        flag = m.group(1).lower()
        url = redact_userinfo(m.group(2).rstrip(")};"))
        start = m.start(2)
        line = text.count("\n", 0, start) + 1
        col = start - (text.rfind("\n", 0, start) + 1) + 1
        loc = Span(line, col, line, col + len(m.group(2))).loc(path)
        kind = (
            "mlflow-artifact-root"
            if flag == "default-artifact-root"
            else "mlflow-artifacts-destination"
        )
        out.append(_link(kind, flag, url, loc, path))
    return out


def serving_env_links(workloads: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for w in workloads:
        for c in w["containers"]:
            for e in c["env"]:
                if not e["value"]:
                    continue
                if e["name"] in _MODEL_ENV:
                    out.append(
                        _link(
                            "model-uri",
                            f"{w['address']}:{e['name']}",
                            e["value"],
                            e["loc"],
                            w["address"],
                        )
                    )
                elif e["name"] in _TRACKING_ENV:
                    out.append(
                        _link(
                            "tracking-uri",
                            f"{w['address']}:{e['name']}",
                            e["value"],
                            e["loc"],
                            w["address"],
                        )
                    )
    return out


def iac_links(
    models: Iterable[Mapping[str, Any]], endpoint_configs: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    out = []
    for m in models:
        url = m.get("model_data_url")
        if isinstance(url, str) and "://" in url:
            out.append(_link("sagemaker-model-data", m["address"], url, m["loc"], m["address"]))
    for e in endpoint_configs:
        capture = e.get("data_capture") or {}
        url = capture.get("destination")
        if isinstance(url, str) and "://" in url:
            out.append(_link("data-capture", e["address"], url, e["loc"], e["address"]))
    return out


def _name_roles(text: str) -> list[str]:
    for role, pattern in _NAME_HINTS:
        if pattern.search(text):
            return [role]
    return []


def bucket_assets(
    buckets: Iterable[Mapping[str, Any]], links: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One entry per bucket name (IaC buckets and buckets only seen in links)."""
    by_name: dict[str, dict[str, Any]] = {}
    for b in buckets:
        key = str(b["name"] or b["address"])
        entry = by_name.setdefault(key, {"name": key, "addresses": [], "paths": [], "tags": {}})
        entry["addresses"].append(b["address"])
        entry["paths"].append(b["loc"]["path"])
        entry["tags"].update(b.get("tags") or {})
    for link in links:
        if link["bucket"]:
            by_name.setdefault(
                link["bucket"], {"name": link["bucket"], "addresses": [], "paths": [], "tags": {}}
            )
    links_of: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        if link["bucket"]:
            links_of.setdefault(link["bucket"], []).append(link)
    out = []
    for name, entry in sorted(by_name.items()):
        own = sorted(
            links_of.get(name, ()),
            key=lambda lk: (_KIND_ORDER.get(lk["kind"], 99), lk["name"], lk["loc"]["path"]),
        )
        roles: set[str] = set()
        sources: set[str] = set()
        for lk in own:
            role = _LINK_ROLE.get(lk["kind"])
            if role is not None:
                if lk["kind"] == "dvc-remote" and _name_roles(
                    f"{lk['name']} {lk['prefix'] or ''}"
                ) == ["model-store"]:
                    role = "model-store"
                roles.add(role)
                sources.add("link")
        if not roles:
            hint = _name_roles(name)
            if hint:
                roles.update(hint)
                sources.add("name")
        if not roles:
            tag_text = " ".join(f"{k}={v}" for k, v in entry["tags"].items())
            hint = _name_roles(tag_text)
            if hint:
                roles.update(hint)
                sources.add("tag")
        ordered = [r for r in ROLE_PRIORITY if r in roles]
        described = []
        for lk in own:
            label = LINK_LABEL.get(lk["kind"], lk["kind"])
            described.append(f"{label} '{lk['name']}'" if lk["kind"] == "dvc-remote" else label)
        out.append(
            {
                "name": name,
                "addresses": sorted(set(entry["addresses"])),
                "paths": sorted(set(entry["paths"])),
                "roles": ordered,
                "role": ordered[0] if ordered else None,
                "role_sources": sorted(sources),
                "stores_models": bool({"model-store", "registry-artifacts"} & roles),
                "links": [
                    {"kind": lk["kind"], "name": lk["name"], "url": lk["url"], "loc": lk["loc"]}
                    for lk in own
                ],
                "description": ", ".join(dict.fromkeys(described)),
            }
        )
    return out
