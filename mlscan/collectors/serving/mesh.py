"""Model-serving endpoints declared as Kubernetes custom resources, and how they are reached.

* serving resources: KServe ``InferenceService`` (with ``storageUri`` and the
  ``networking.kserve.io/visibility`` label), Seldon ``SeldonDeployment``, Ray
  ``RayService``, BentoML ``BentoDeployment``;
* routes in front of them: Gateway API ``HTTPRoute`` (parent Gateways, backend Services),
  Istio ``VirtualService`` (gateways, destination hosts), Ingress backends;
* authentication: Istio ``AuthorizationPolicy`` (CUSTOM, or ALLOW with request or peer
  principals, selecting the workload or the whole namespace) and ``RequestAuthentication``
  (recorded apart: alone it lets token-less requests through), ``oauth2-proxy`` / auth
  annotations on the routes.

One ``serving.endpoints[]`` fact per serving resource, with the routes that reach it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlscan.sourcemap import Node

SERVING_KINDS = {
    "InferenceService": "kserve",
    "SeldonDeployment": "seldon",
    "RayService": "ray-serve",
    "BentoDeployment": "bentoml",
}
_AUTH_ANNOTATION_PREFIXES = (
    "nginx.ingress.kubernetes.io/auth-",
    "alb.ingress.kubernetes.io/auth-type",
    "konghq.com/plugins",
    "traefik.ingress.kubernetes.io/router.middlewares",
)


@dataclass
class MeshModel:
    resources: list[tuple[str, Node]] = field(default_factory=list)  # (path, doc)
    routes: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)
    request_auth: list[dict[str, Any]] = field(default_factory=list)


def _meta(doc: Node) -> tuple[str, str, dict[str, str], dict[str, str]]:
    meta = doc.get("metadata")
    name = (meta.get_str("name") if meta is not None else None) or ""
    ns = (meta.get_str("namespace") if meta is not None else None) or "default"
    labels = meta.value.get("labels") if meta is not None and meta.kind == "map" else None
    ann = meta.value.get("annotations") if meta is not None and meta.kind == "map" else None
    return (
        name,
        ns,
        {str(k): str(v) for k, v in (labels or {}).items()} if isinstance(labels, dict) else {},
        {str(k): str(v) for k, v in (ann or {}).items()} if isinstance(ann, dict) else {},
    )


def add_document(model: MeshModel, path: str, doc: Node) -> None:
    kind = doc.get_str("kind") or ""
    api = doc.get_str("apiVersion") or ""
    if kind in SERVING_KINDS:
        model.resources.append((path, doc))
        return
    name, ns, _labels, ann = _meta(doc)
    spec = doc.value.get("spec") if isinstance(doc.value.get("spec"), dict) else {}
    if kind == "HTTPRoute" and "gateway.networking.k8s.io" in api:
        backends = {
            str(b.get("name"))
            for rule in spec.get("rules") or []
            if isinstance(rule, dict)
            for b in rule.get("backendRefs") or []
            if isinstance(b, dict) and b.get("name")
        }
        parents = sorted(
            str(p.get("name")) for p in spec.get("parentRefs") or [] if isinstance(p, dict)
        )
        model.routes.append(_route("HTTPRoute", name, ns, path, doc, backends, parents, ann))
    elif kind == "VirtualService" and "istio.io" in api:
        backends = {
            str(r["destination"]["host"]).split(".")[0]
            for http in spec.get("http") or []
            if isinstance(http, dict)
            for r in http.get("route") or []
            if isinstance(r, dict) and isinstance(r.get("destination"), dict)
            and r["destination"].get("host")
        }  # fmt: skip
        gateways = sorted(str(g) for g in spec.get("gateways") or [])
        model.routes.append(_route("VirtualService", name, ns, path, doc, backends, gateways, ann))
    elif kind == "Ingress":
        ing_backends: set[str] = set()
        for rule in spec.get("rules") or []:
            for p in ((rule or {}).get("http") or {}).get("paths") or []:
                svc = ((p or {}).get("backend") or {}).get("service") or {}
                if isinstance(svc, dict) and svc.get("name"):
                    ing_backends.add(str(svc["name"]))
        model.routes.append(_route("Ingress", name, ns, path, doc, ing_backends, [], ann))
    elif kind == "AuthorizationPolicy" and "istio.io" in api:
        action = str(spec.get("action") or "ALLOW").upper()
        rules = spec.get("rules") or []
        principals = any(
            isinstance(src, dict)
            and isinstance(src.get("source"), dict)
            and (src["source"].get("requestPrincipals") or src["source"].get("principals"))
            for rule in rules
            if isinstance(rule, dict)
            for src in rule.get("from") or []
        )
        claims = any(
            isinstance(w, dict) and str(w.get("key", "")).startswith("request.auth")
            for rule in rules
            if isinstance(rule, dict)
            for w in rule.get("when") or []
        )
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        model.policies.append(
            {
                "name": name,
                "namespace": ns,
                "action": action,
                "requires_identity": action == "CUSTOM" or principals or claims,
                "selector": {str(k): str(v) for k, v in selector.items()},
                "loc": doc.span.loc(path),
            }
        )
    elif kind == "RequestAuthentication" and "istio.io" in api:
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        model.request_auth.append(
            {
                "name": name,
                "namespace": ns,
                "selector": {str(k): str(v) for k, v in selector.items()},
                "loc": doc.span.loc(path),
            }
        )


def _route(
    kind: str,
    name: str,
    ns: str,
    path: str,
    doc: Node,
    backends: set[str],
    parents: list[str],
    annotations: dict[str, str],
) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "namespace": ns,
        "backends": sorted(backends),
        "parents": parents,
        "auth_annotations": sorted(
            k for k in annotations if k.startswith(_AUTH_ANNOTATION_PREFIXES)
        ),
        "loc": doc.span.loc(path),
    }


def _storage_uri(doc: Node) -> tuple[str | None, dict[str, Any] | None, str]:
    """KServe ``storageUri`` or Seldon ``modelUri`` (the first one)."""
    spec = doc.get("spec")
    if spec is None:
        return None, None, ""
    for node in spec.walk():
        if node.kind == "map":
            uri = node.get("storageUri")
            if uri is None:
                uri = node.get("modelUri")
            if uri is not None and isinstance(uri.value, str):
                return uri.value, uri.span.loc(""), ""
    return None, None, ""


def endpoints(model: MeshModel) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path, doc in model.resources:
        kind = doc.get_str("kind") or ""
        name, ns, labels, ann = _meta(doc)
        visibility = labels.get("networking.kserve.io/visibility") or labels.get(
            "serving.knative.dev/visibility"
        )
        # KServe's own services are <name>, <name>-predictor(-default)
        names = {name, f"{name}-predictor", f"{name}-predictor-default", f"{name}-default"}
        routes = [r for r in model.routes if r["namespace"] == ns and set(r["backends"]) & names]
        auth: list[str] = []
        pod_labels = {**labels, "serving.kserve.io/inferenceservice": name, "app": name}
        for pol in model.policies:
            if pol["namespace"] not in (ns, "istio-system") or not pol["requires_identity"]:
                continue
            if all(pod_labels.get(k) == v for k, v in pol["selector"].items()):
                auth.append(f"istio-authorization-policy:{pol['name']}")
        for r in routes:
            auth.extend(f"{r['kind']}:{r['name']}:{a}" for a in r["auth_annotations"])
        if any("oauth2-proxy" in k or "auth" in k.lower() for k in ann):
            auth.extend(f"annotation:{k}" for k in sorted(ann) if "auth" in k.lower())
        request_auth = [
            ra["name"]
            for ra in model.request_auth
            if ra["namespace"] in (ns, "istio-system")
            and all(pod_labels.get(k) == v for k, v in ra["selector"].items())
        ]
        uri, uri_loc, _ = _storage_uri(doc)
        evidence = [f"manifest:{kind}"]
        if uri:
            evidence.append(f"storageUri:{uri}")
        if uri_loc is not None:
            uri_loc["path"] = path
        out.append(
            {
                "kind": SERVING_KINDS[kind],
                "framework": SERVING_KINDS[kind],
                "name": name,
                "namespace": ns,
                "path": path,
                "loc": doc.span.loc(path),
                "serves_model": True,
                "model_evidence": evidence,
                "storage_uri": uri,
                "storage_uri_loc": uri_loc,
                "visibility": visibility,
                "default_external": kind == "InferenceService" and visibility != "cluster-local",
                "reached_through": [
                    {"kind": r["kind"], "name": r["name"], "parents": r["parents"], "loc": r["loc"]}
                    for r in routes
                ],
                "binds": [],
                "debug": [],
                "app_auth": sorted(set(auth)),
                "request_authentication": request_auth,
                "routes": [],
            }
        )
    return out
