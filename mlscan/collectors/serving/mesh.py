"""Model-serving endpoints declared as Kubernetes custom resources, and how they are reached.

* serving resources: KServe ``InferenceService`` (with ``storageUri`` and the
  ``networking.kserve.io/visibility`` label), Seldon ``SeldonDeployment``, Ray
  ``RayService``, BentoML ``BentoDeployment``;
* routes in front of them: Gateway API ``HTTPRoute`` (parent Gateways, backend Services),
  Istio ``VirtualService`` (gateways, destination hosts), Ingress backends;
* the gateways those routes attach to: Gateway API ``Gateway`` listeners (protocol, port,
  hostname, TLS mode, namespaces allowed to attach) and Istio ``Gateway`` servers (port
  protocol, hosts, TLS mode), and whether the gateway is internal (an internal load-balancer
  annotation, an internal gateway class);
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
    gateways: list[dict[str, Any]] = field(default_factory=list)


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
            f"{p['namespace']}/{p.get('name')}" if p.get("namespace") else str(p.get("name"))
            for p in spec.get("parentRefs") or []
            if isinstance(p, dict)
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
    elif kind == "Gateway" and "gateway.networking.k8s.io" in api:
        model.gateways.append(_gateway_api(name, ns, path, doc, spec))
    elif kind == "Gateway" and "istio.io" in api:
        model.gateways.append(_istio_gateway(name, ns, path, doc, spec))
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
                # ALLOW rules are alternatives: one rule without an identity lets anyone in
                "every_rule_requires_identity": action == "CUSTOM"
                or (bool(rules) and all(_rule_requires_identity(r) for r in rules)),
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


def _rule_requires_identity(rule: Any) -> bool:
    """An AuthorizationPolicy rule that only matches requests carrying an identity: a
    ``from`` source naming request or peer principals, or a ``request.auth.*`` condition."""
    if not isinstance(rule, dict):
        return False
    sources = [f.get("source") for f in rule.get("from") or [] if isinstance(f, dict)]
    principals = bool(sources) and all(
        isinstance(src, dict) and bool(src.get("requestPrincipals") or src.get("principals"))
        for src in sources
    )
    claims = any(
        isinstance(w, dict) and str(w.get("key", "")).startswith("request.auth")
        for w in rule.get("when") or []
    )
    return principals or claims


# load-balancer annotations and gateway classes that keep a gateway off the internet
_INTERNAL_ANNOTATIONS = {
    "networking.gke.io/load-balancer-type": ("internal",),
    "service.beta.kubernetes.io/aws-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ("internal",),
    "service.beta.kubernetes.io/azure-load-balancer-internal": ("true",),
    "service.beta.kubernetes.io/oci-load-balancer-internal": ("true",),
    "cloud.google.com/load-balancer-type": ("internal",),
}
_INTERNAL_CLASSES = ("rilb", "internal", "ilb", "cluster-local")


def _internal(annotations: dict[str, Any], gateway_class: str) -> bool:
    lower = {str(k).lower(): str(v).lower() for k, v in annotations.items()}
    if any(lower.get(k) in values for k, values in _INTERNAL_ANNOTATIONS.items()):
        return True
    return any(word in gateway_class.lower() for word in _INTERNAL_CLASSES)


def _gateway_api(name: str, ns: str, path: str, doc: Node, spec: dict[str, Any]) -> dict[str, Any]:
    """A Gateway API ``Gateway``: its listeners and whether it is internal."""
    listeners = []
    for lst in spec.get("listeners") or []:
        if not isinstance(lst, dict):
            continue
        tls = _dict(lst.get("tls"))
        allowed = _dict(_dict(lst.get("allowedRoutes")).get("namespaces")).get("from")
        listeners.append(
            {
                "name": str(lst.get("name") or ""),
                "protocol": str(lst.get("protocol") or "").upper(),
                "port": lst.get("port"),
                "hostname": lst.get("hostname"),
                "tls_mode": tls.get("mode") if tls else None,
                "routes_from": allowed,
            }
        )
    annotations = _dict(_dict(spec.get("infrastructure")).get("annotations"))
    meta_ann = _meta(doc)[3]
    gclass = str(spec.get("gatewayClassName") or "")
    return {
        "kind": "Gateway",
        "api": "gateway-api",
        "name": name,
        "namespace": ns,
        "gateway_class": gclass,
        "listeners": listeners,
        "internal": _internal({**meta_ann, **annotations}, gclass),
        # the labels Istio puts on the proxy pods it deploys for this Gateway
        "selector": {"gateway.networking.k8s.io/gateway-name": name},
        "loc": doc.span.loc(path),
    }


def _istio_gateway(
    name: str, ns: str, path: str, doc: Node, spec: dict[str, Any]
) -> dict[str, Any]:
    """An Istio ``Gateway``: its servers (port protocol, hosts, TLS mode)."""
    listeners = []
    for srv in spec.get("servers") or []:
        if not isinstance(srv, dict):
            continue
        port = _dict(srv.get("port"))
        tls = _dict(srv.get("tls"))
        hosts = srv.get("hosts") or []
        listeners.append(
            {
                "name": str(port.get("name") or ""),
                "protocol": str(port.get("protocol") or "").upper(),
                "port": port.get("number"),
                "hostname": ",".join(str(h) for h in hosts) if hosts else None,
                "tls_mode": tls.get("mode") if tls else None,
                "routes_from": None,
            }
        )
    selector = _dict(spec.get("selector"))
    return {
        "kind": "Gateway",
        "api": "istio",
        "name": name,
        "namespace": ns,
        "gateway_class": ",".join(f"{k}={v}" for k, v in sorted(selector.items())),
        "listeners": listeners,
        "internal": _internal(_meta(doc)[3], ""),
        "selector": {str(k): str(v) for k, v in sorted(selector.items())},
        "loc": doc.span.loc(path),
    }


_GATEWAY_KEYS = ("api", "name", "namespace", "listeners", "internal", "selector", "loc")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _parent_gateways(model: MeshModel, route: dict[str, Any]) -> list[dict[str, Any]]:
    """The Gateway objects a route is attached to (when they are in the scan)."""
    out = []
    for parent in route["parents"]:
        if parent == "mesh":
            continue
        pns, _, pname = parent.rpartition("/")
        pns = pns or route["namespace"]
        for gw in model.gateways:
            if gw["name"] == pname and gw["namespace"] == pns:
                out.append(gw)
    return out


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


def gateway_routes(model: MeshModel) -> list[dict[str, Any]]:
    """HTTPRoutes and VirtualServices with the gateways they attach to (``serving.gateway_routes``):
    Rego joins them with the Services they route to."""
    return [
        {
            "kind": r["kind"],
            "name": r["name"],
            "namespace": r["namespace"],
            "backends": r["backends"],
            "parents": r["parents"],
            "auth_annotations": r["auth_annotations"],
            "gateways": [{k: g[k] for k in _GATEWAY_KEYS} for g in _parent_gateways(model, r)],
            "loc": r["loc"],
        }
        for r in model.routes
        if r["kind"] in ("HTTPRoute", "VirtualService")
    ]


def authorization_policies(model: MeshModel) -> list[dict[str, Any]]:
    """Istio AuthorizationPolicies (``serving.authorization_policies``)."""
    return list(model.policies)


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
                    {
                        "kind": r["kind"],
                        "name": r["name"],
                        "parents": r["parents"],
                        "gateways": [
                            {k: g[k] for k in _GATEWAY_KEYS} for g in _parent_gateways(model, r)
                        ],
                        "loc": r["loc"],
                    }
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
