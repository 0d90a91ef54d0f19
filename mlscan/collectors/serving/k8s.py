"""Serving facts from Kubernetes manifests and docker-compose files.

Workloads (Deployments, StatefulSets, ..., KServe/Seldon resources, compose services) with
their container images and environment, Services (type, ports, selector) and Ingresses
(annotations, TLS, backends). Positions come from ``mlscan.sourcemap``. Environment
values are recorded only for URL-valued variables, with any user:password part removed;
every other value is reduced to its name and position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from mlscan.sourcemap import Node

WORKLOAD_KINDS = frozenset(
    {
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
        "Pod",
        "InferenceService",
        "SeldonDeployment",
        "RayService",
    }
)
_SERVING_IMAGE = re.compile(
    r"(tensorflow/serving|tritonserver|torchserve|seldon|kserve|bentoml|vllm|"
    r"text-generation-inference|mlserver|model-?serv|inference|predict)",
    re.IGNORECASE,
)
_SERVING_NAME = re.compile(
    r"(model|inference|predict|serving|scor(e|ing)|classifier|llm)", re.IGNORECASE
)
_SERVING_ENV = frozenset(
    {"MODEL_URI", "MODEL_PATH", "MODEL_NAME", "MODEL_URL", "MLFLOW_MODEL_URI", "STORAGE_URI"}
)
_URL_VALUE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_SECRETISH = re.compile(r"(password|passwd|token|apikey|api_key|secret)", re.IGNORECASE)
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def redact_url(value: str) -> str:
    """Drop the user:password part of a URL; the rest stays."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return "<unparseable url>"
    if parts.username is None and parts.password is None:
        return value
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


_USERINFO_PW = re.compile(r"(://[^:/@\s]*):[^@/\s]*@")
_SECRET_FLAG = re.compile(r"^--?[\w-]*(password|passwd|token|secret|api[-_]?key|credential)[\w-]*$",
                          re.IGNORECASE)
_SECRET_ASSIGN = re.compile(
    r"^(--?[\w-]*(?:password|passwd|token|secret|api[-_]?key|credential)[\w-]*"
    r"|[A-Z0-9_]*(?:PASSWORD|PASSWD|TOKEN|SECRET|API_KEY|CREDENTIAL)[A-Z0-9_]*)=.+$",
    re.IGNORECASE,
)


def redact_args(args: list[str]) -> list[str]:
    """Command-line arguments with passwords in URLs and values of secret flags masked."""
    out: list[str] = []
    hide_next = False
    for arg in args:
        if hide_next:
            out.append("***")
            hide_next = False
            continue
        m = _SECRET_ASSIGN.match(arg)
        if m:
            out.append(m.group(1) + "=***")
            continue
        if _SECRET_FLAG.match(arg):
            hide_next = True
        out.append(_USERINFO_PW.sub(r"\1:***@", arg))
    return out


def parse_image(image: str) -> dict[str, Any]:
    digest = None
    ref = image
    if "@" in image:
        ref, digest = image.split("@", 1)
    name, tag = ref, None
    last = ref.rsplit("/", 1)[-1]
    if ":" in last:
        name = ref[: ref.rfind(":")]
        tag = last.split(":", 1)[1]
    return {
        "image": image,
        "repository": name,
        "tag": tag,
        "digest": digest,
        "pinned_by_digest": bool(digest and _DIGEST.search("@" + digest)),
    }


def _env_entry(name: str, value: Any, value_from: bool, node: Node, path: str) -> dict[str, Any]:
    text = value if isinstance(value, str) else None
    shown: str | None = None
    scheme: str | None = None
    if text is not None and _URL_VALUE.match(text.strip()):
        shown = redact_url(text.strip())
        scheme = shown.split("://", 1)[0].lower()
    return {
        "name": name,
        "value": shown,  # only URL values, redacted; never other values
        "scheme": scheme,
        "value_set": text is not None and text != "",
        "value_from": value_from,
        "loc": node.span.loc(path),
    }


def _containers(spec: Node, path: str) -> list[dict[str, Any]]:
    out = []
    for key in ("initContainers", "containers"):
        seq = spec.get(key)
        if seq is None or seq.kind != "seq":
            continue
        for c in seq.children:
            if c.kind != "map":
                continue
            image_node = c.get("image")
            image = c.get_str("image")
            env: list[dict[str, Any]] = []
            env_node = c.get("env")
            if env_node is not None and env_node.kind == "seq":
                for e in env_node.children:
                    if e.kind != "map" or not isinstance(e.value.get("name"), str):
                        continue
                    value_node = e.get("value")
                    if value_node is None:
                        value_node = e
                    env.append(
                        _env_entry(
                            e.value["name"],
                            e.value.get("value"),
                            "valueFrom" in e.value,
                            value_node,
                            path,
                        )
                    )
            args = redact_args(
                [
                    str(a)
                    for part in (c.value.get("command"), c.value.get("args"))
                    if isinstance(part, list)
                    for a in part
                    if isinstance(a, str | int | float)
                ]
            )
            out.append(
                {
                    "name": c.value.get("name"),
                    "init": key == "initContainers",
                    **(
                        parse_image(image)
                        if image
                        else {
                            "image": None,
                            "repository": None,
                            "tag": None,
                            "digest": None,
                            "pinned_by_digest": False,
                        }
                    ),
                    "image_loc": (
                        image_node.span.loc(path) if image_node is not None else c.span.loc(path)
                    ),
                    "env": sorted(env, key=lambda x: (x["loc"]["line"], x["name"])),
                    "args": args,
                    "ports": _container_ports(c.value.get("ports")),
                    "loc": c.span.loc(path),
                }
            )
    return out


def _container_ports(value: Any) -> list[str]:
    """containerPort values (Kubernetes) or published / exposed ports (compose)."""
    out: set[str] = set()
    for p in value if isinstance(value, list) else []:
        if isinstance(p, dict):
            port = p.get("containerPort") or p.get("target")
            if isinstance(port, int | str):
                out.add(str(port))
        elif isinstance(p, int | str):
            out.add(str(p))
    return sorted(out)


def workload_ports(containers: list[dict[str, Any]]) -> list[str]:
    return sorted({p for c in containers for p in c.get("ports", [])})


def _pod_spec(doc: Node) -> tuple[Node | None, dict[str, Any]]:
    """(pod spec node, pod labels) of a workload document."""
    kind = doc.value.get("kind")
    spec = doc.get("spec")
    if spec is None or spec.kind != "map":
        return None, {}
    if kind == "Pod":
        labels = (doc.value.get("metadata") or {}).get("labels") or {}
        return spec, labels if isinstance(labels, dict) else {}
    if kind == "CronJob":
        jt = spec.get("jobTemplate")
        spec = jt.get("spec") if jt is not None else None
        if spec is None:
            return None, {}
    template = spec.get("template")
    if template is None or template.kind != "map":
        return None, {}
    labels = (template.value.get("metadata") or {}).get("labels") or {}
    pod = template.get("spec")
    return pod, labels if isinstance(labels, dict) else {}


def _serving_hints(name: str, containers: list[dict[str, Any]], kind: str) -> list[str]:
    hints: set[str] = set()
    if kind in ("InferenceService", "SeldonDeployment", "RayService"):
        hints.add(f"kind:{kind}")
    if _SERVING_NAME.search(name):
        hints.add(f"name:{name}")
    for c in containers:
        if c["image"] and _SERVING_IMAGE.search(c["image"]):
            hints.add(f"image:{c['repository']}")
        for e in c["env"]:
            if e["name"] in _SERVING_ENV:
                hints.add(f"env:{e['name']}")
        joined = " ".join(c["args"])
        if "models serve" in joined or "serve" in c["args"]:
            hints.add("command:serve")
    return sorted(hints)


def _string_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    out = {}
    for k, v in value.items():
        text = str(v) if v is not None else ""
        out[str(k)] = (
            "<redacted>" if _SECRETISH.search(str(k)) and "secret" not in str(k).lower() else text
        )
    return dict(sorted(out.items()))


@dataclass
class ServingModel:
    workloads: list[dict[str, Any]] = field(default_factory=list)
    services: list[dict[str, Any]] = field(default_factory=list)
    ingresses: list[dict[str, Any]] = field(default_factory=list)
    addresses: set[tuple[str, str]] = field(default_factory=set)


def is_k8s_document(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("apiVersion"), str)
        and isinstance(value.get("kind"), str)
    )


def add_k8s_document(model: ServingModel, path: str, doc: Node) -> None:
    value = doc.value
    kind = str(value["kind"])
    meta = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    name = str(meta.get("name", ""))
    namespace = str(meta.get("namespace") or "default")
    address = f"{kind}.{namespace}.{name}"
    here = doc.span.loc(path)
    annotations = _string_map(meta.get("annotations"))
    if kind in WORKLOAD_KINDS:
        pod, labels = _pod_spec(doc)
        containers = _containers(pod, path) if pod is not None else []
        if kind == "InferenceService":
            containers.extend(_kserve_containers(doc, path))
        model.workloads.append(
            {
                "kind": kind,
                "name": name,
                "namespace": namespace,
                "address": address,
                "source": "kubernetes",
                "labels": _string_map(labels),
                "annotations": annotations,
                "containers": containers,
                "serving_hints": _serving_hints(name, containers, kind),
                "ports": workload_ports(containers),
                "loc": here,
            }
        )
        model.addresses.add((path, address))
    elif kind == "Service":
        spec = doc.get("spec")
        svc_type = "ClusterIP"
        type_loc = here
        ports: list[dict[str, Any]] = []
        selector: dict[str, str] = {}
        if spec is not None and spec.kind == "map":
            t = spec.get("type")
            if t is not None and isinstance(t.value, str):
                svc_type = t.value
                type_loc = t.span.loc(path)
            ports_node = spec.get("ports")
            for p in ports_node.children if ports_node is not None else []:
                if p.kind == "map":
                    ports.append(
                        {
                            k: p.value.get(k)
                            for k in ("port", "targetPort", "nodePort", "protocol", "name")
                            if isinstance(p.value.get(k), str | int)
                        }
                    )
            selector = _string_map(spec.value.get("selector"))
        model.services.append(
            {
                "name": name,
                "namespace": namespace,
                "address": address,
                "type": svc_type,
                "ports": ports,
                "selector": selector,
                "annotations": annotations,
                "type_loc": type_loc,
                "loc": here,
                "selects": [],
            }
        )
        model.addresses.add((path, address))
    elif kind == "Ingress":
        ispec: dict[str, Any] = value["spec"] if isinstance(value.get("spec"), dict) else {}
        backends: set[str] = set()
        hosts: set[str] = set()
        default = ispec.get("defaultBackend") or ispec.get("backend") or {}
        if isinstance(default, dict):
            svc = (default.get("service") or {}).get("name") or default.get("serviceName")
            if svc:
                backends.add(str(svc))
        for rule in ispec.get("rules") or []:
            if not isinstance(rule, dict):
                continue
            if rule.get("host"):
                hosts.add(str(rule["host"]))
            for p in (rule.get("http") or {}).get("paths") or []:
                b = p.get("backend") if isinstance(p, dict) else None
                if isinstance(b, dict):
                    svc = (b.get("service") or {}).get("name") or b.get("serviceName")
                    if svc:
                        backends.add(str(svc))
        tls = ispec.get("tls")
        model.ingresses.append(
            {
                "name": name,
                "namespace": namespace,
                "address": address,
                "ingress_class": ispec.get("ingressClassName")
                or annotations.get("kubernetes.io/ingress.class"),
                "annotations": annotations,
                "annotation_keys": sorted(annotations),
                "tls": bool(tls),
                "hosts": sorted(hosts),
                "backends": sorted(backends),
                "loc": here,
            }
        )
        model.addresses.add((path, address))


def _kserve_containers(doc: Node, path: str) -> list[dict[str, Any]]:
    spec = doc.get("spec")
    pred = spec.get("predictor") if spec is not None else None
    if pred is None or pred.kind != "map":
        return []
    out = _containers(pred, path)
    for _key, node in pred.items():
        if node.kind == "map" and (
            node.get("storageUri") is not None or node.get("image") is not None
        ):
            uri = node.get("storageUri")
            image = node.get("image")
            out.append(
                {
                    "name": _key,
                    "init": False,
                    **(
                        parse_image(image.value)
                        if image is not None and isinstance(image.value, str)
                        else {
                            "image": None,
                            "repository": None,
                            "tag": None,
                            "digest": None,
                            "pinned_by_digest": False,
                        }
                    ),
                    "image_loc": (image if image is not None else node).span.loc(path),
                    "env": (
                        [_env_entry("STORAGE_URI", uri.value, False, uri, path)]
                        if uri is not None and isinstance(uri.value, str)
                        else []
                    ),
                    "args": [],
                    "ports": [],
                    "loc": node.span.loc(path),
                }
            )
    return out


def add_compose(model: ServingModel, path: str, doc: Node) -> None:
    services = doc.get("services")
    if services is None or services.kind != "map":
        return
    for name, svc in services.items():
        if svc.kind != "map":
            continue
        image_node = svc.get("image")
        image = svc.get_str("image")
        env: list[dict[str, Any]] = []
        env_node = svc.get("environment")
        if env_node is not None and env_node.kind == "map":
            for key, vnode in env_node.items():
                env.append(_env_entry(key, vnode.value, False, vnode, path))
        elif env_node is not None and env_node.kind == "seq":
            for item in env_node.children:
                if isinstance(item.value, str):
                    key, _, val = item.value.partition("=")
                    env.append(
                        _env_entry(key, val if "=" in item.value else None, False, item, path)
                    )
        command = svc.value.get("command")
        args = redact_args(
            command.split()
            if isinstance(command, str)
            else [str(a) for a in command if isinstance(a, str | int)]
            if isinstance(command, list)
            else []
        )
        containers = [
            {
                "name": name,
                "init": False,
                **(
                    parse_image(image)
                    if image
                    else {
                        "image": None,
                        "repository": None,
                        "tag": None,
                        "digest": None,
                        "pinned_by_digest": False,
                    }
                ),
                "image_loc": (image_node if image_node is not None else svc).span.loc(path),
                "env": sorted(env, key=lambda x: (x["loc"]["line"], x["name"])),
                "args": args,
                "ports": sorted(
                    set(_container_ports(svc.value.get("ports")))
                    | set(_container_ports(svc.value.get("expose")))
                ),
                "loc": svc.span.loc(path),
            }
        ]
        address = f"compose.{name}"
        model.workloads.append(
            {
                "kind": "compose-service",
                "name": name,
                "namespace": "",
                "address": address,
                "source": "compose",
                "labels": {},
                "annotations": {},
                "containers": containers,
                "serving_hints": _serving_hints(name, containers, "compose-service"),
                "ports": workload_ports(containers),
                "loc": (svc.key_span or svc.span).loc(path),
            }
        )
        model.addresses.add((path, address))


def link_services(model: ServingModel) -> None:
    """Record which workloads each Service selects (same namespace, labels match)."""
    for svc in model.services:
        if not svc["selector"]:
            continue
        svc["selects"] = sorted(
            w["address"]
            for w in model.workloads
            if w["source"] == "kubernetes"
            and w["namespace"] == svc["namespace"]
            and all(w["labels"].get(k) == v for k, v in svc["selector"].items())
        )


def mapping_or_empty(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
