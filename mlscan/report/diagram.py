"""The ML pipeline data-flow diagram, drawn from the fact document.

Elements come from whichever families the scan produced (DVC stages, remotes and external
data, model files, MLflow servers and their stores, buckets of the asset graph and IaC,
SageMaker resources, Kubernetes / compose serving workloads, Services and Ingresses); a
missing family simply draws nothing. Each finding is attached to one element or flow and
counted under the STRIDE categories that apply to that element type. The layout is a fixed
grid, one column per trust boundary, in fact-document order: no randomness, the same facts
give the same picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlscan.models import Finding
from mlscan.report.model import (
    APPLICABLE_STRIDE,
    Boundary,
    Diagram,
    Element,
    ElementKind,
    Flow,
)
from mlscan.report.snippets import mask

#: Trust boundaries, drawn as columns in this order (the runtime next to its users, the
#: pipeline next to the storage it reads and writes: fewest flows skip a column).
BOUNDARIES: tuple[tuple[str, str], ...] = (
    ("users", "Users and internet"),
    ("runtime", "Runtime: cluster and hosts"),
    ("repo", "Source repository and CI"),
    ("cloud", "Cloud account and storage"),
)
OTHER_ID = "other"
MAX_PER_KIND = 6  # per column and element family; the rest is folded into one "+N more"

BOX_W, BOX_H = 178, 66
COL_W, COL_GAP = 202, 72
V_GAP, PAD, HEADER, MARGIN = 24, 20, 28, 10


@dataclass(kw_only=True)
class _Node:
    id: str
    kind: ElementKind
    label: str
    detail: str
    boundary: str
    family: str
    assets: set[str] = field(default_factory=set)
    locs: set[tuple[str, int]] = field(default_factory=set)
    paths: set[str] = field(default_factory=set)
    outs: tuple[str, ...] = ()


@dataclass(kw_only=True)
class _Flow:
    id: str
    source: str
    target: str
    label: str
    assets: set[str] = field(default_factory=set)
    locs: set[tuple[str, int]] = field(default_factory=set)


def _list(facts: Mapping[str, Any], family: str, name: str) -> list[Mapping[str, Any]]:
    fam = facts.get(family)
    if not isinstance(fam, Mapping):
        return []
    value = fam.get(name)
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, Mapping)]


def _items(value: Any) -> list[Any]:
    """A list field's items; anything else is no items."""
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _loc(fact: Mapping[str, Any], key: str = "loc") -> tuple[str, int] | None:
    loc = fact.get(key)
    if isinstance(loc, Mapping) and isinstance(loc.get("path"), str):
        line = loc.get("line")
        return (loc["path"], line if isinstance(line, int) else 0)
    return None


def _locs_of(fact: Mapping[str, Any]) -> set[tuple[str, int]]:
    """Every ``*loc`` of a fact (its own and its fields')."""
    out: set[tuple[str, int]] = set()
    for key in fact:
        if key == "loc" or key.endswith("_loc"):
            where = _loc(fact, key)
            if where is not None:
                out.add(where)
    return out


class _Graph:
    def __init__(self) -> None:
        self.nodes: dict[str, _Node] = {}
        self.flows: dict[str, _Flow] = {}

    def node(
        self,
        nid: str,
        kind: ElementKind,
        label: str,
        detail: str,
        boundary: str,
        family: str,
        fact: Mapping[str, Any] | None = None,
        assets: Iterable[str] = (),
    ) -> _Node:
        node = self.nodes.get(nid)
        if node is None:
            node = _Node(
                id=nid, kind=kind, label=label, detail=detail, boundary=boundary, family=family
            )
            self.nodes[nid] = node
        node.assets.update(a for a in assets if a)
        if fact is not None:
            node.locs |= _locs_of(fact)
            node.paths.update(p for p, _ in _locs_of(fact))
            path = _s(fact.get("path"))
            if path:
                node.paths.add(path)
        return node

    def flow(
        self,
        source: str,
        target: str,
        label: str,
        fact: Mapping[str, Any] | None = None,
        assets: Iterable[str] = (),
    ) -> None:
        if source not in self.nodes or target not in self.nodes or source == target:
            return
        fid = f"flow:{source}->{target}"
        flow = self.flows.get(fid)
        if flow is None:
            flow = _Flow(id=fid, source=source, target=target, label=label)
            self.flows[fid] = flow
        flow.assets.update(a for a in assets if a)
        if fact is not None:
            where = _loc(fact)
            if where is not None:
                flow.locs.add(where)


# --------------------------------------------------------------------------- extraction


def _bucket_key(name: str) -> str:
    return f"store:bucket:{name}"


def _extract(facts: Mapping[str, Any], g: _Graph) -> None:
    _extract_dvc(facts, g)
    _extract_models(facts, g)
    _extract_mlflow(facts, g)
    _extract_buckets(facts, g)
    _extract_iac(facts, g)
    _extract_serving(facts, g)
    _extract_actors(g)


def _extract_dvc(facts: Mapping[str, Any], g: _Graph) -> None:
    stages = _list(facts, "dvc", "stages")
    remotes = _list(facts, "dvc", "remotes")
    deps = _list(facts, "dvc", "dependencies")
    outs = _list(facts, "dvc", "outputs")
    stage_ids: dict[str, str] = {}
    for st in stages:
        name = _s(st.get("name")) or "stage"
        sid = f"proc:dvc-stage:{_s(st.get('file'))}:{name}"
        stage_ids.setdefault(name, sid)
        node = g.node(sid, "process", name, "DVC stage", "repo", "dvc-stage", st, assets=(name,))
        node.outs += tuple(o for o in _items(st.get("outs")) if isinstance(o, str))
    for o in outs:
        stage = _s(o.get("stage"))
        if stage in stage_ids:
            g.node(stage_ids[stage], "process", "", "", "repo", "dvc-stage", o)
    # stage -> stage when an output of one is a dependency of the other
    outs_by_stage: dict[str, set[str]] = {}
    for st in stages:
        name = _s(st.get("name"))
        outs_by_stage[name] = {o for o in _items(st.get("outs")) if isinstance(o, str)}
    for st in stages:
        name = _s(st.get("name"))
        for dep in _items(st.get("deps")):
            if not isinstance(dep, str):
                continue
            for other, produced in outs_by_stage.items():
                if other != name and any(dep == p or dep.startswith(p.rstrip("/") + "/")
                                         for p in produced):
                    g.flow(stage_ids.get(other, ""), stage_ids.get(name, ""), "data")
    first = next(iter(stage_ids.values()), "")
    for r in remotes:
        name = _s(r.get("name")) or "remote"
        bucket = _s(r.get("bucket"))
        nid = _bucket_key(bucket) if bucket else f"store:dvc-remote:{name}"
        scheme = _s(r.get("url_scheme"))
        label = bucket or f"DVC remote '{name}'"
        detail = f"DVC remote '{name}' ({scheme})" if scheme else f"DVC remote '{name}'"
        g.node(nid, "store", label, detail, "cloud", "store", r, assets=(name, bucket))
        if first:
            g.flow(nid, first, "dvc pull", r, assets=(name,))
    for d in deps:
        if not d.get("external"):
            continue
        stage = _s(d.get("stage"))
        scheme = _s(d.get("scheme")) or "external"
        label = mask(_s(d.get("path"))) or scheme
        nid = f"store:external-data:{label}"
        g.node(nid, "store", label, f"external data ({scheme})", "cloud", "store", d,
               assets=(label,))
        target = stage_ids.get(stage) or first or ""
        if target:
            g.flow(nid, target, "import data", d)


def _extract_models(facts: Mapping[str, Any], g: _Graph) -> None:
    files = _list(facts, "artifacts", "files")
    mlmodels = _list(facts, "artifacts", "mlmodels")
    signed = _list(facts, "signatures", "models")
    sigs = _list(facts, "signatures", "signatures")
    paths = {_s(f.get("path")) for f in [*files, *mlmodels, *signed]} - {""}
    if not paths:
        return
    nid = "store:model-files"
    n_signed = sum(1 for m in signed if m.get("signed") is True)
    detail = f"{len(paths)} model file(s)"
    if signed:
        detail += f", {n_signed} of {len(signed)} signed"
    node = g.node(nid, "store", "Model artifacts", detail, "repo", "models")
    for fact in [*files, *mlmodels, *signed, *sigs]:
        g.node(nid, "store", "", "", "repo", "models", fact, assets=(_s(fact.get("path")),))
    node.paths |= paths
    calls = _list(facts, "serving_code", "calls")
    if calls:
        cid = "proc:serving-code"
        for c in calls:
            g.node(cid, "process", "Model loading code", f"{len(calls)} load call(s)", "repo",
                   "code", c)
        g.flow(nid, cid, "load model")


def _extract_mlflow(facts: Mapping[str, Any], g: _Graph) -> None:
    servers = _list(facts, "mlflow", "servers")
    env = _list(facts, "mlflow", "environment")
    auth = _list(facts, "mlflow", "auth_configs")
    versions = _list(facts, "mlflow", "versions")
    for s in servers:
        path, service = _s(s.get("path")), _s(s.get("service"))
        kind = _s(s.get("kind")) or "server"
        ident = f"{path}:{service}"
        if kind == "models-serve":
            nid = f"proc:model-server:{ident}"
            g.node(nid, "process", service or "mlflow models serve", "MLflow model server",
                   "runtime", "serving", s, assets=(ident, path))
            continue
        nid = f"proc:mlflow:{ident}"
        label = f"MLflow {kind}" + (f" ({service})" if service else "")
        g.node(nid, "process", label, f"tracking / registry, {path}", "runtime", "mlflow", s,
               assets=(ident,))
        for a in auth:
            if _s(a.get("path")) in _items(s.get("auth_config_paths")):
                g.node(nid, "process", "", "", "runtime", "mlflow", a, assets=(_s(a.get("path")),))
        for e in env:
            if _s(e.get("path")) == path and _s(e.get("service")) == service:
                g.node(nid, "process", "", "", "runtime", "mlflow", e)
        for v in versions:
            if _s(v.get("path")) == path:
                g.node(nid, "process", "", "", "runtime", "mlflow", v)
        backend = _s(s.get("backend_store_uri"))
        if backend:
            scheme = backend.split(":", 1)[0]
            bid = f"store:mlflow-backend:{ident}"
            g.node(bid, "store", "Tracking database", f"{scheme} backend store", "runtime",
                   "mlflow-db", None)
            g.node(bid, "store", "", "", "runtime", "mlflow-db",
                   {"loc": s.get("backend_store_uri_loc")})
            # the database service of the same compose file / namespace
            for e in env:
                if _s(e.get("path")) == path and _s(e.get("service")) in backend:
                    g.node(bid, "store", "", "", "runtime", "mlflow-db", e,
                           assets=(f"{path}:{_s(e.get('service'))}",))
            g.flow(nid, bid, "run metadata", {"loc": s.get("backend_store_uri_loc")})
        for key in ("default_artifact_root", "artifacts_destination"):
            root = _s(s.get(key))
            if "://" not in root:
                continue
            scheme, rest = root.split("://", 1)
            bucket = rest.split("/", 1)[0]
            if scheme in ("s3", "gs", "wasbs", "abfss", "oss") and bucket:
                bid = _bucket_key(bucket)
                g.node(bid, "store", bucket, f"artifact store ({scheme})", "cloud", "store", None,
                       assets=(bucket,))
            else:
                bid = f"store:artifacts:{root}"
                g.node(bid, "store", mask(root), "artifact store", "cloud", "store", None)
            g.flow(nid, bid, "model artifacts")
    registry = facts.get("mlflow_registry")
    if isinstance(registry, Mapping) and registry:
        server = registry.get("server")
        uri = _s(server.get("uri")) if isinstance(server, Mapping) else ""
        g.node("proc:mlflow-registry", "process", "MLflow registry (live)", mask(uri) or "REST API",
               "runtime", "mlflow", None, assets=(uri,))


def _extract_buckets(facts: Mapping[str, Any], g: _Graph) -> None:
    buckets = _list(facts, "assets", "buckets") or _list(facts, "iac", "buckets")
    for b in buckets:
        name = _s(b.get("name")) or _s(b.get("address"))
        if not name:
            continue
        role = _s(b.get("role")) or "bucket"
        node = g.node(_bucket_key(name), "store", name, role.replace("-", " "), "cloud", "store",
                      b, assets=(name, _s(b.get("address"))))
        node.assets.update(a for a in _items(b.get("addresses")) if isinstance(a, str))
        node.paths.update(p for p in _items(b.get("paths")) if isinstance(p, str))
        if node.detail in ("artifact store (s3)", "bucket") and role != "bucket":
            node.detail = role.replace("-", " ")
    for fam, name in (("bucket_policies", "policies"), ("bucket_policies", "public_grants")):
        for p in _list(facts, fam, name):
            bucket = _s(p.get("bucket"))
            if bucket:
                g.node(_bucket_key(bucket), "store", bucket, "bucket", "cloud", "store", p,
                       assets=(_s(p.get("address")), _s(p.get("id"))))
    for st in _list(facts, "bucket_policies", "statements"):
        bucket = _s(st.get("bucket"))
        if bucket and _bucket_key(bucket) in g.nodes:
            g.node(_bucket_key(bucket), "store", "", "", "cloud", "store", st)


def _extract_iac(facts: Mapping[str, Any], g: _Graph) -> None:
    kinds = (
        ("sagemaker_notebooks", "SageMaker notebook"),
        ("sagemaker_models", "SageMaker model"),
        ("sagemaker_endpoint_configs", "SageMaker endpoint"),
        ("sagemaker_domains", "SageMaker domain"),
    )
    for list_name, title in kinds:
        for r in _list(facts, "iac", list_name):
            address = _s(r.get("address"))
            nid = f"proc:{list_name}:{address}"
            g.node(nid, "process", _s(r.get("name")) or address, title, "cloud", "sagemaker", r,
                   assets=(address,))
            url = _s(r.get("model_data_url"))
            if url.startswith("s3://"):
                bucket = url[5:].split("/", 1)[0]
                if _bucket_key(bucket) in g.nodes:
                    g.flow(_bucket_key(bucket), nid, "model data")
    for role in _list(facts, "iac", "iam_roles"):
        for used in _items(role.get("used_by")):
            if isinstance(used, Mapping):
                for nid, node in g.nodes.items():
                    if _s(used.get("address")) in node.assets:
                        g.node(nid, node.kind, "", "", node.boundary, node.family, role,
                               assets=(_s(role.get("address")),))


def _extract_serving(facts: Mapping[str, Any], g: _Graph) -> None:
    workloads = _list(facts, "serving", "workloads")
    services = _list(facts, "serving", "services")
    ingresses = _list(facts, "serving", "ingresses")
    selected = {a for s in services for a in _items(s.get("selects")) if isinstance(a, str)}
    wl_ids: dict[str, str] = {}
    for w in workloads:
        address = _s(w.get("address"))
        if not w.get("serving_hints") and address not in selected:
            continue
        nid = f"proc:workload:{address}"
        wl_ids[address] = nid
        node = g.node(nid, "process", _s(w.get("name")) or address,
                      f"{_s(w.get('kind')) or 'workload'} (serving)", "runtime", "serving", w,
                      assets=(address, _s(w.get("name"))))
        for c in _items(w.get("containers")):
            if isinstance(c, Mapping):
                node.locs |= _locs_of(c)
                for e in _items(c.get("env")):
                    if isinstance(e, Mapping):
                        node.locs |= _locs_of(e)
    svc_ids: dict[str, str] = {}
    for s in services:
        address = _s(s.get("address"))
        targets = [
            wl_ids[a] for a in _items(s.get("selects")) if isinstance(a, str) and a in wl_ids
        ]
        if not targets:
            continue
        stype = _s(s.get("type")) or "ClusterIP"
        nid = f"proc:service:{address}"
        svc_ids[_s(s.get("name"))] = nid
        g.node(nid, "process", _s(s.get("name")) or address, f"Service ({stype})", "runtime",
               "endpoint", s, assets=(address,))
        for t in targets:
            g.flow(nid, t, "inference requests")
        if stype in ("LoadBalancer", "NodePort"):
            g.node("actor:consumers", "actor", "API consumers", "clients of the model API",
                   "users", "actor")
            g.flow("actor:consumers", nid, "requests")
    for ing in ingresses:
        address = _s(ing.get("address"))
        nid = f"proc:ingress:{address}"
        backends = [
            svc_ids[b] for b in _items(ing.get("backends")) if isinstance(b, str) and b in svc_ids
        ]
        if not backends:
            continue
        tls = "TLS" if ing.get("tls") else "no TLS"
        g.node(nid, "process", _s(ing.get("name")) or address, f"Ingress ({tls})", "runtime",
               "endpoint", ing, assets=(address,))
        g.node("actor:consumers", "actor", "API consumers", "clients of the model API", "users",
               "actor")
        g.flow("actor:consumers", nid, "HTTPS requests" if ing.get("tls") else "HTTP requests")
        for b in backends:
            g.flow(nid, b, "route")
    for link in _list(facts, "assets", "links"):
        kind = _s(link.get("kind"))
        bucket = _s(link.get("bucket"))
        source = _s(link.get("source"))
        name = _s(link.get("name"))
        workload = name.split(":", 1)[0]
        consumer = next(
            (nid for addr, nid in wl_ids.items() if workload and addr.endswith(workload)), ""
        )
        if kind == "model-uri" and bucket and consumer:
            g.flow(_bucket_key(bucket), consumer, "load model", link)
        elif kind == "tracking-uri" and consumer:
            server = next((nid for nid in g.nodes if nid.startswith("proc:mlflow:")), "")
            if server:
                g.flow(server, consumer, "load model", link)
        elif kind in ("mlflow-artifact-root", "mlflow-artifacts-destination") and bucket:
            for nid in g.nodes:
                if nid.startswith("proc:mlflow:") and source and nid.split(":", 2)[2].startswith(
                    source
                ):
                    g.flow(nid, _bucket_key(bucket), "model artifacts", link)
        elif kind == "data-capture" and bucket:
            for nid, node in g.nodes.items():
                if name and name in node.assets:
                    g.flow(nid, _bucket_key(bucket), "captured payloads", link)
    if wl_ids and "actor:consumers" not in g.nodes:
        g.node("actor:consumers", "actor", "API consumers", "clients of the model API", "users",
               "actor")
        for nid in wl_ids.values():
            g.flow("actor:consumers", nid, "requests (in-cluster)")


def _extract_actors(g: _Graph) -> None:
    builders = [n for n in g.nodes.values() if n.family in ("dvc-stage", "mlflow", "models")]
    if not builders:
        return
    g.node("actor:ml-team", "actor", "ML engineers / CI", "train, track, register", "users",
           "actor")
    stages = [n for n in builders if n.family == "dvc-stage"]
    if stages:
        g.flow("actor:ml-team", stages[0].id, "dvc repro")
    for n in builders:
        if n.family == "mlflow":
            g.flow("actor:ml-team", n.id, "runs, models")
            if "store:model-files" in g.nodes:
                g.flow("store:model-files", n.id, "log model")
    models = g.nodes.get("store:model-files")
    if stages and models is not None:
        writers = [
            n for n in stages
            if any(p in models.paths or any(m.startswith(p.rstrip("/") + "/") for m in models.paths)
                   for p in n.outs)
        ]
        for n in writers or stages[-1:]:
            g.flow(n.id, models.id, "write model")
    if not stages and "store:model-files" in g.nodes and not any(
        n.family == "mlflow" for n in builders
    ):
        g.flow("actor:ml-team", "store:model-files", "commit model")


# --------------------------------------------------------------------------- folding


def _fold(g: _Graph) -> None:
    """At most MAX_PER_KIND elements per (boundary, family); the rest become one element."""
    groups: dict[tuple[str, str], list[_Node]] = {}
    for node in g.nodes.values():
        groups.setdefault((node.boundary, node.family), []).append(node)
    for (boundary, family), nodes in groups.items():
        if len(nodes) <= MAX_PER_KIND:
            continue
        keep, rest = nodes[: MAX_PER_KIND - 1], nodes[MAX_PER_KIND - 1 :]
        del keep
        folded = _Node(
            id=f"more:{boundary}:{family}",
            kind=rest[0].kind,
            label=f"+{len(rest)} more",
            detail=rest[0].detail,
            boundary=boundary,
            family=family,
        )
        for n in rest:
            folded.assets |= n.assets
            folded.locs |= n.locs
            folded.paths |= n.paths
            del g.nodes[n.id]
        g.nodes[folded.id] = folded
        gone = {n.id for n in rest}
        for flow in list(g.flows.values()):
            src = folded.id if flow.source in gone else flow.source
            tgt = folded.id if flow.target in gone else flow.target
            if (src, tgt) != (flow.source, flow.target):
                del g.flows[flow.id]
                if src != tgt:
                    fid = f"flow:{src}->{tgt}"
                    merged = g.flows.setdefault(
                        fid, _Flow(id=fid, source=src, target=tgt, label=flow.label)
                    )
                    merged.assets |= flow.assets
                    merged.locs |= flow.locs


# --------------------------------------------------------------------------- findings


def _finding_locs(f: Finding) -> list[tuple[str, int]]:
    out = []
    for loc in (f.location, *f.related):
        if loc.path:
            out.append((loc.path, loc.start_line or 0))
    return out


def attach(
    findings: Sequence[Finding], nodes: Mapping[str, _Node], flows: Mapping[str, _Flow]
) -> list[str]:
    """The element or flow id each finding is drawn on ("" when none fits)."""
    out: list[str] = []
    node_list = list(nodes.values())
    flow_list = list(flows.values())
    for f in findings:
        where = _finding_locs(f)
        target = (
            next((n.id for n in node_list if f.asset and f.asset in n.assets), "")
            or next((x.id for x in flow_list if f.asset and f.asset in x.assets), "")
            or next((x.id for x in flow_list if where[:1] and where[0] in x.locs), "")
            or next((n.id for n in node_list if where[:1] and where[0] in n.locs), "")
            or next((n.id for n in node_list if any(w in n.locs for w in where)), "")
            or next(
                (n.id for n in node_list if f.location.path and f.location.path in n.paths), ""
            )
        )
        out.append(target)
    return out


def _counts(kind: str, findings: Iterable[Finding]) -> tuple[dict[str, int], int]:
    applicable = APPLICABLE_STRIDE[kind]
    counts = dict.fromkeys(applicable, 0)
    total = 0
    for f in findings:
        if f.suppressed:
            continue
        total += 1
        for cat in set(f.control.stride):
            if cat in counts:
                counts[cat] += 1
    return counts, total


# --------------------------------------------------------------------------- layout


def _layout(g: _Graph, counted: Mapping[str, list[Finding]]) -> Diagram:
    columns = [(bid, label) for bid, label in BOUNDARIES
               if any(n.boundary == bid for n in g.nodes.values())]
    elements: list[Element] = []
    boundaries: list[Boundary] = []
    geo: dict[str, _Box] = {}
    rows = max((sum(1 for n in g.nodes.values() if n.boundary == b) for b, _ in columns),
               default=0)
    height = MARGIN * 2 + HEADER + PAD * 2 + rows * BOX_H + max(rows - 1, 0) * V_GAP
    for col, (bid, label) in enumerate(columns):
        bx = MARGIN + col * (COL_W + COL_GAP)
        boundaries.append(
            Boundary(id=f"boundary:{bid}", label=label, x=bx, y=MARGIN, w=COL_W,
                     h=height - 2 * MARGIN)
        )
        members = [n for n in g.nodes.values() if n.boundary == bid]
        for row, n in enumerate(members):
            x = bx + (COL_W - BOX_W) // 2
            y = MARGIN + HEADER + PAD + row * (BOX_H + V_GAP)
            geo[n.id] = _Box(x=x, y=y, col=col, row=row)
            counts, total = _counts(n.kind, counted.get(n.id, []))
            elements.append(
                Element(id=n.id, kind=n.kind, label=n.label, detail=n.detail, boundary=bid,
                        counts=counts, findings=total, x=x, y=y, w=BOX_W, h=BOX_H)
            )
    specs = [fl for fl in g.flows.values() if fl.source in geo and fl.target in geo]
    loops = _loop_sides(specs, geo)
    ports = _ports(specs, geo, loops)
    corridor_use: dict[int, int] = {}
    flows: list[Flow] = []
    for fl in specs:
        a, b = geo[fl.source], geo[fl.target]
        y0, y3 = ports.get((fl.id, "source"), 0), ports.get((fl.id, "target"), 0)
        if _stacked(a, b):
            path, lx, ly = _vertical(a, b)
        elif abs(a.col - b.col) > 1:
            slot = corridor_use.get(b.row, 0)
            corridor_use[b.row] = slot + 1
            path, lx, ly = _corridor(a, b, y0, y3, slot)
        else:
            path, lx, ly = _route(a, b, y0, y3, loops.get(fl.id, "R"))
        counts, total = _counts("flow", counted.get(fl.id, []))
        flows.append(
            Flow(id=fl.id, source=fl.source, target=fl.target, label=fl.label, counts=counts,
                 findings=total, path=path, label_x=lx, label_y=ly)
        )
    width = MARGIN * 2 + len(columns) * COL_W + max(len(columns) - 1, 0) * COL_GAP
    return Diagram(
        elements=tuple(elements),
        flows=tuple(flows),
        boundaries=tuple(boundaries),
        width=max(width, 200),
        height=max(height, 80),
    )


@dataclass(frozen=True, kw_only=True)
class _Box:
    x: int
    y: int
    col: int
    row: int


def _sides(a: _Box, b: _Box, loop_side: str = "R") -> tuple[str, str]:
    if a.col < b.col:
        return "R", "L"
    if a.col > b.col:
        return "L", "R"
    return loop_side, loop_side


def _loop_sides(flows: Sequence[_Flow], geo: Mapping[str, _Box]) -> dict[str, str]:
    """For flows within one column: loop out on the side of the column that fewer
    cross-column flows use (ties: right)."""
    load: dict[tuple[int, str], int] = {}
    for fl in flows:
        a, b = geo[fl.source], geo[fl.target]
        if a.col != b.col:
            sa, sb = _sides(a, b)
            load[(a.col, sa)] = load.get((a.col, sa), 0) + 1
            load[(b.col, sb)] = load.get((b.col, sb), 0) + 1
    out: dict[str, str] = {}
    for fl in flows:
        a = geo[fl.source]
        if a.col == geo[fl.target].col and not _stacked(a, geo[fl.target]):
            left, right = load.get((a.col, "L"), 0), load.get((a.col, "R"), 0)
            out[fl.id] = "L" if left < right and a.col > 0 else "R"
    return out


def _ports(
    flows: Sequence[_Flow], geo: Mapping[str, _Box], loops: Mapping[str, str]
) -> dict[tuple[str, str], int]:
    """The y of each flow end, spread along the side of its box (ordered by the other
    end's position, so that neighbouring flows do not cross at the box)."""
    sides: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    for fl in flows:
        a, b = geo[fl.source], geo[fl.target]
        if _stacked(a, b):
            continue
        sa, sb = _sides(a, b, loops.get(fl.id, "R"))
        sides.setdefault((fl.source, sa), []).append((b.y, fl.id, "source"))
        sides.setdefault((fl.target, sb), []).append((a.y, fl.id, "target"))
    out: dict[tuple[str, str], int] = {}
    for (eid, _side), ends in sides.items():
        ends.sort()
        box = geo[eid]
        n = len(ends)
        step = min(12, (BOX_H - 16) // max(n, 1))
        for i, (_y, fid, which) in enumerate(ends):
            out[(fid, which)] = box.y + BOX_H // 2 + int((i - (n - 1) / 2) * step)
    return out


def _stacked(a: _Box, b: _Box) -> bool:
    """Boxes directly above one another: joined by a straight vertical arrow."""
    return a.col == b.col and abs(a.row - b.row) == 1


def _vertical(a: _Box, b: _Box) -> tuple[str, int, int]:
    x = a.x + BOX_W // 2
    y0, y1 = (a.y + BOX_H, b.y) if b.row > a.row else (a.y, b.y + BOX_H)
    return f"M{x},{y0} L{x},{y1}", x + 34, (y0 + y1) // 2 + 3


def _gap_x(col: int) -> int:
    """x of the middle of the gap to the right of column ``col``."""
    return MARGIN + (col + 1) * COL_W + col * COL_GAP + COL_GAP // 2


def _route(a: _Box, b: _Box, y0: int, y3: int, loop_side: str = "R") -> tuple[str, int, int]:
    """A cubic Bezier between two boxes of the same or neighbouring columns and the point
    halfway along it."""
    if a.col < b.col:
        p0, p3 = (a.x + BOX_W, y0), (b.x, y3)
    elif a.col > b.col:
        p0, p3 = (a.x, y0), (b.x + BOX_W, y3)
    else:  # same column: loop out on one side
        bulge = COL_GAP // 2 - 4
        if loop_side == "L":
            p0, p3 = (a.x, y0), (b.x, y3)
            return _curve(p0, (p0[0] - bulge, p0[1]), (p3[0] - bulge, p3[1]), p3)
        p0, p3 = (a.x + BOX_W, y0), (b.x + BOX_W, y3)
        return _curve(p0, (p0[0] + bulge, p0[1]), (p3[0] + bulge, p3[1]), p3)
    dx = (p3[0] - p0[0]) // 2
    return _curve(p0, (p0[0] + dx, p0[1]), (p3[0] - dx, p3[1]), p3)


def _corridor(a: _Box, b: _Box, y0: int, y3: int, slot: int) -> tuple[str, int, int]:
    """An orthogonal path for a flow that skips columns: out to the gap beside the
    source, along the free corridor above the target's row (rows line up across columns,
    so no box is crossed), and into the target from the gap beside it."""
    forward = a.col < b.col
    start = (a.x + BOX_W, y0) if forward else (a.x, y0)
    end = (b.x, y3) if forward else (b.x + BOX_W, y3)
    x1 = _gap_x(a.col if forward else a.col - 1) + (slot % 3) * 4 - 4
    x2 = _gap_x(b.col - 1 if forward else b.col) + (slot % 3) * 4 - 4
    yc = b.y - V_GAP // 2 + (slot % 3) * 4 - 4
    d = (
        f"M{start[0]},{start[1]} L{x1},{start[1]} L{x1},{yc} L{x2},{yc} L{x2},{end[1]} "
        f"L{end[0]},{end[1]}"
    )
    return d, (x1 + x2) // 2, yc


def _curve(
    p0: tuple[int, int], p1: tuple[int, int], p2: tuple[int, int], p3: tuple[int, int]
) -> tuple[str, int, int]:
    d = f"M{p0[0]},{p0[1]} C{p1[0]},{p1[1]} {p2[0]},{p2[1]} {p3[0]},{p3[1]}"
    mx = (p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) // 8
    my = (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) // 8
    return d, mx, my


# --------------------------------------------------------------------------- entry points


def build_diagram(
    facts: Mapping[str, Any] | None,
    findings: Sequence[Finding],
    groups: Sequence[str] | None = None,
) -> tuple[Diagram, list[str]]:
    """The diagram and, for each finding, the id of the element or flow it is drawn on.

    Without facts (merged SARIF logs) each repository in ``groups`` (one per finding)
    becomes one element that carries its findings.
    """
    g = _Graph()
    note = ""
    if facts is not None:
        _extract(facts, g)
        _fold(g)
        targets = attach(findings, g.nodes, g.flows)
    else:
        note = ("Drawn from SARIF results only: one element per repository. Scan a "
                "repository to draw its pipeline.")
        targets = []
        for i, _f in enumerate(findings):
            repo = (groups[i] if groups else "") or "repository"
            nid = f"proc:repository:{repo}"
            g.node(nid, "process", repo, "scanned repository", "repo", "repository")
            targets.append(nid)
    if any(t == "" for t in targets):
        g.node(OTHER_ID, "process", "Other configuration", "findings outside the drawn "
               "elements", "repo", "other")
        targets = [t or OTHER_ID for t in targets]
    counted: dict[str, list[Finding]] = {}
    for f, t in zip(findings, targets, strict=True):
        counted.setdefault(t, []).append(f)
    diagram = _layout(g, counted)
    if note:
        diagram = Diagram(
            elements=diagram.elements,
            flows=diagram.flows,
            boundaries=diagram.boundaries,
            width=diagram.width,
            height=diagram.height,
            note=note,
        )
    return diagram, targets
