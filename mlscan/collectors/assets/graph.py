"""The ML asset graph, built in the link stage from the facts of other families.

Links come from DVC remotes (``dvc.remotes``), MLflow artifact roots and destinations
(``mlflow.servers``), serving ``MODEL_URI``-style environment variables and tracking URIs
(``serving.workloads``), SageMaker model data URLs and data-capture destinations
(``iac``, ``privacy.data_capture``) and literal buckets in Python storage calls
(``storage_refs.references``). Each bucket (from IaC or only from a link) lists the
evidence of what uses it, and the Terraform backends that name it as a state bucket.
Roles that follow from use (a DVC remote holds training data) are recorded here; names
and tags are weak evidence weighed in Rego (``rego/lib/ml_assets.rego``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

ROLE_PRIORITY = ("registry-artifacts", "model-store", "training-data", "inference-data")
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
_LINK_ROLE = {
    "dvc-remote": "training-data",
    "mlflow-artifact-root": "registry-artifacts",
    "mlflow-artifacts-destination": "registry-artifacts",
    "model-uri": "model-store",
    "sagemaker-model-data": "model-store",
    "data-capture": "inference-data",
    "ml-workspace-storage": "registry-artifacts",
}
_KIND_ORDER = {
    "dvc-remote": 0,
    "mlflow-artifact-root": 1,
    "mlflow-artifacts-destination": 2,
    "model-uri": 3,
    "sagemaker-model-data": 4,
    "tracking-uri": 5,
    "data-capture": 6,
    "code-reference": 7,
    "ml-workspace-storage": 8,
}
LINK_LABEL = {
    "dvc-remote": "DVC remote",
    "mlflow-artifact-root": "MLflow artifact root",
    "mlflow-artifacts-destination": "MLflow artifacts destination",
    "model-uri": "serving model URI",
    "tracking-uri": "MLflow tracking URI",
    "sagemaker-model-data": "SageMaker model data",
    "data-capture": "SageMaker data capture",
    "code-reference": "Python storage call",
    "ml-workspace-storage": "Azure ML workspace storage",
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


def _items(facts: Mapping[str, Any], family: str, key: str) -> list[Mapping[str, Any]]:
    value = facts.get(family)
    items = value.get(key) if isinstance(value, Mapping) else None
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def dvc_links(remotes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Remote URLs from the DVC facts (already redacted by the DVC collector)."""
    out = []
    for r in remotes:
        url = r.get("url")
        if isinstance(url, str) and url:
            out.append(
                _link("dvc-remote", str(r["name"]), url, r.get("url_loc") or r["loc"], r["config"])
            )
    return out


def mlflow_links(servers: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``--default-artifact-root`` / ``--artifacts-destination`` of MLflow servers."""
    out = []
    for s in servers:
        for key, kind, flag in (
            ("default_artifact_root", "mlflow-artifact-root", "default-artifact-root"),
            ("artifacts_destination", "mlflow-artifacts-destination", "artifacts-destination"),
        ):
            url = s.get(key)
            where = s.get(f"{key}_loc") or s["loc"]
            if isinstance(url, str) and "://" in url:
                out.append(_link(kind, flag, url, where, str(s.get("path") or s["loc"]["path"])))
    return out


def code_links(refs: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Literal bucket names in Python calls (boto3, gcsfs, google.cloud.storage)."""
    out = []
    for r in refs:
        url = r.get("url")
        if isinstance(url, str) and url:
            out.append(_link("code-reference", str(r["call"]), url, r["loc"], r["loc"]["path"]))
    return out


def workspace_links(workspaces: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The storage account behind an Azure ML workspace (its models, data and artifacts)."""
    out = []
    for w in workspaces:
        storage = w.get("storage")
        if isinstance(storage, str) and storage:
            lk = _link(
                "ml-workspace-storage",
                str(w["address"]),
                f"azure://{storage}",
                w["loc"],
                str(w["address"]),
            )
            lk.update({"provider": "azure", "bucket": storage, "prefix": None})
            out.append(lk)
    return out


def capture_links(captures: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Inference-capture destinations written in Python (SageMaker SDK)."""
    out = []
    for c in captures:
        url = c.get("destination")
        if c.get("kind") == "sagemaker-sdk" and isinstance(url, str) and "://" in url:
            out.append(_link("data-capture", str(c["resource"]), url, c["loc"], c["loc"]["path"]))
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


def bucket_assets(
    buckets: Iterable[Mapping[str, Any]],
    links: list[dict[str, Any]],
    backends: Iterable[Mapping[str, Any]] = (),
    ci_stores: Iterable[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """One entry per bucket name (IaC buckets and buckets only seen in links), with the
    evidence of what uses it. Roles here come from use only (``links``); the verdict that
    also weighs names and tags is ``mlscan.lib.ml_assets`` in Rego."""
    by_name: dict[str, dict[str, Any]] = {}

    def entry_of(key: str) -> dict[str, Any]:
        return by_name.setdefault(
            key,
            {"name": key, "addresses": [], "paths": [], "tags": {}, "backends": [], "ci": []},
        )

    for b in buckets:
        entry = entry_of(str(b["name"] or b["address"]))
        entry["addresses"].append(b["address"])
        entry["paths"].append(b["loc"]["path"])
        entry["tags"].update(b.get("tags") or {})
    for link in links:
        if link["bucket"]:
            entry_of(link["bucket"])
    for backend in backends:
        name = backend.get("bucket")
        if isinstance(name, str) and name:
            entry_of(name)["backends"].append(
                {"type": backend["type"], "address": backend["address"], "loc": backend["loc"]}
            )
    for store in ci_stores:
        name = store.get("bucket")
        if isinstance(name, str) and name and name in by_name:
            by_name[name]["ci"].append(
                {
                    "address": store["address"],
                    "output_artifacts": list(store.get("output_artifacts") or []),
                    "loc": store["loc"],
                }
            )
    links_of: dict[str, list[dict[str, Any]]] = {}
    for link in links:
        if link["bucket"]:
            links_of.setdefault(link["bucket"], []).append(link)
    out = []
    for name, entry in sorted(by_name.items()):
        own = sorted(
            links_of.get(name, ()),
            key=lambda lk: (
                _KIND_ORDER.get(lk["kind"], 99),
                lk["name"],
                lk["loc"]["path"],
                lk["loc"]["line"] or 0,
            ),
        )
        roles = {_LINK_ROLE[lk["kind"]] for lk in own if lk["kind"] in _LINK_ROLE}
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
                "tags": dict(sorted(entry["tags"].items())),
                "roles": ordered,
                "role": ordered[0] if ordered else None,
                "role_sources": ["link"] if ordered else [],
                "stores_models": bool({"model-store", "registry-artifacts"} & roles),
                "state_backend": bool(entry["backends"]),
                "backends": sorted(
                    entry["backends"], key=lambda b: (b["loc"]["path"], b["loc"]["line"] or 0)
                ),
                "ci_artifact_stores": sorted(
                    entry["ci"], key=lambda b: (b["loc"]["path"], b["loc"]["line"] or 0)
                ),
                "links": [
                    {
                        "kind": lk["kind"],
                        "name": lk["name"],
                        "url": lk["url"],
                        "prefix": lk["prefix"],
                        "loc": lk["loc"],
                    }
                    for lk in own
                ],
                "description": ", ".join(dict.fromkeys(described)),
            }
        )
    return out


def asset_graph(facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The link function behind ``assets``: every storage link and every bucket."""
    links = [
        *dvc_links(_items(facts, "dvc", "remotes")),
        *mlflow_links(_items(facts, "mlflow", "servers")),
        *serving_env_links(_items(facts, "serving", "workloads")),
        *iac_links(
            _items(facts, "iac", "sagemaker_models"),
            _items(facts, "iac", "sagemaker_endpoint_configs"),
        ),
        *capture_links(_items(facts, "privacy", "data_capture")),
        *code_links(_items(facts, "storage_refs", "references")),
        *workspace_links(_items(facts, "iac", "ml_workspaces")),
    ]
    unique: dict[str, dict[str, Any]] = {}
    for lk in links:
        key = json.dumps([lk["kind"], lk["name"], lk["url"], lk["loc"]], sort_keys=True)
        unique.setdefault(key, lk)
    links = sorted(
        unique.values(),
        key=lambda lk: (lk["loc"]["path"], lk["loc"]["line"] or 0, lk["kind"], lk["name"]),
    )
    grants = [
        {"name": g["bucket"], "address": g["address"], "loc": g["loc"], "tags": {}}
        for g in _items(facts, "bucket_policies", "public_grants")
        if g.get("bucket")
    ]
    buckets = [*_items(facts, "iac", "buckets"), *grants]
    backends = _items(facts, "iac", "backends")
    ci_stores = _items(facts, "iac", "ci_artifact_stores")
    if not links and not buckets and not backends:
        return {}  # nothing to link: no family of its own
    return {
        "assets": {
            "links": links,
            "buckets": bucket_assets(buckets, links, backends, ci_stores),
        }
    }
