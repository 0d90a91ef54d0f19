"""Link each committed secret to what it unlocks: a pure function over the fact document.

Joins ``secrets.secrets`` with ``secrets.references``:

* compose: a ``.env`` key (or an ``env_file:`` key) whose name a compose service
  interpolates (``${VAR}``, ``${VAR:-default}``, ``$VAR``) in its environment or command;
  the ``.env`` next to the compose file and the service's ``env_file`` entries count;
* Kubernetes: a ``kind: Secret`` key that a workload reads with ``secretKeyRef`` (or all
  keys with ``envFrom.secretRef``);
* Helm: a values-file key (``minio.rootPassword``) that a template of the same chart reads
  as ``.Values.minio.rootPassword``.

Each link records the secret's location and key and the reference's target (service,
image, environment variable or command option, place in a URI) with its location. Rego
(``rego/lib/secrets.rego``) names the ML asset. ``secret_links`` is registered in the scan's
link stage (``mlscan/collectors/link.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any


def _chart_of(values_path: str) -> str:
    parent = PurePosixPath(values_path).parent.as_posix()
    return "" if parent == "." else parent


def secret_links(facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The link-stage entry: ``{"secrets": {"links": [...]}}``, nothing without secrets."""
    family = facts.get("secrets")
    if not isinstance(family, Mapping) or "secrets" not in family:
        return {}
    return {"secrets": {"links": link(facts)}}


def link(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    family = document.get("secrets") or {}
    secrets: list[dict[str, Any]] = list(family.get("secrets") or [])
    refs: list[dict[str, Any]] = list(family.get("references") or [])
    by_var: dict[str, list[dict[str, Any]]] = {}
    by_k8s: dict[str, list[dict[str, Any]]] = {}
    by_values: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for ref in refs:
        if ref["kind"] == "compose":
            by_var.setdefault(ref["var"], []).append(ref)
        elif ref["kind"] == "k8s":
            by_k8s.setdefault(ref["secret_name"], []).append(ref)
        elif ref["kind"] == "helm":
            by_values.setdefault((ref["chart"], ref["values_path"]), []).append(ref)
    links: list[dict[str, Any]] = []
    for secret in secrets:
        path = secret["loc"]["path"]
        matched: list[tuple[str, dict[str, Any]]] = []
        key = secret.get("key")
        if secret.get("file_kind") == "dotenv" and key:
            matched += [
                ("compose-interpolation", r) for r in by_var.get(key, []) if path in r["env_files"]
            ]
        k8s = secret.get("k8s_secret")
        if k8s:
            matched += [
                ("kubernetes-secretKeyRef", r)
                for r in by_k8s.get(k8s["name"], [])
                if r["secret_key"] in (None, k8s["key"])
            ]
        values_path = secret.get("values_path")
        if values_path:
            matched += [
                ("helm-values", r) for r in by_values.get((_chart_of(path), values_path), [])
            ]
        for via, ref in matched:
            links.append(
                {
                    "via": via,
                    "secret": {"key": key, "loc": secret["loc"], "detectors": secret["detectors"]},
                    "target": ref["target"],
                    "target_loc": ref["loc"],
                }
            )
    links.sort(
        key=lambda x: (
            x["secret"]["loc"]["path"],
            x["secret"]["loc"]["line"] or 0,
            x["target_loc"]["path"],
            x["target_loc"]["line"] or 0,
        )
    )
    return links
