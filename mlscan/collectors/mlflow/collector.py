"""The ``mlflow`` family: how the tracking server / model registry is deployed.

Finds every ``mlflow server``, ``mlflow ui`` and ``mlflow models serve`` invocation in
docker-compose files, Kubernetes manifests (and Helm-rendered YAML), Dockerfiles, systemd
units, shell scripts and Procfiles; the ``basic_auth.ini`` auth configuration; and the
MLflow version from image tags and pins. Every flag keeps the line and column where it
is written. Credentials are never recorded, only that they are there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, file_failed, notification
from mlscan.collectors.mlflow.charts import ChartIndex, ChartInfo, chart_index, chart_values
from mlscan.collectors.mlflow.cmd import (
    env_reference,
    find_invocations,
    image_mlflow_version,
    is_placeholder,
    looks_secret_name,
    placeholder_kind,
    redact_uri,
    split_shell,
    uri_has_password,
)
from mlscan.collectors.mlflow.deploy_helm import (
    HelmValues,
    argocd_values,
    flatten,
    helm_command_values,
    helmfile_values,
    terraform_releases,
    values_roots,
)
from mlscan.collectors.mlflow.deploy_helm import server_facts as helm_server_facts
from mlscan.collectors.mlflow.deploy_iac import scan_terraform
from mlscan.models import Notification
from mlscan.sourcemap import Node, SourceError, Span, parse_yaml_documents
from mlscan.workspace import Workspace

SOURCE = "mlflow"
DEFAULT_ADMIN_PASSWORD = "password1234"  # noqa: S105 - the documented default, to detect it
URI_FLAGS = (
    "--backend-store-uri",
    "--registry-store-uri",
    "--default-artifact-root",
    "--artifacts-destination",
)
URI_ENV = (
    "MLFLOW_BACKEND_STORE_URI",
    "MLFLOW_REGISTRY_STORE_URI",
    "MLFLOW_TRACKING_URI",
    "MLFLOW_DEFAULT_ARTIFACT_ROOT",
    "MLFLOW_ARTIFACTS_DESTINATION",
    "DATABASE_URL",
    "MLFLOW_AUTH_DATABASE_URI",
)
_PIN = re.compile(r"^\s*mlflow(?:-skinny)?\s*(==|~=|>=|<=|<|>)\s*([0-9][0-9.]*)", re.I | re.M)
_PIP_PIN = re.compile(r"mlflow(?:-skinny)?(==|~=|>=)([0-9][0-9.]*)", re.I)


def version_parts(version: str) -> list[int]:
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]]
    return parts + [0] * (3 - len(parts))


# ------------------------------------------------------------------ locating tokens
@dataclass
class _Locator:
    """Finds tokens, in order, in a region of a file's text (for flag positions)."""

    lines: list[str]
    line: int  # 1-based cursor
    col: int  # 1-based cursor
    end_line: int

    def find(self, needle: str) -> Span | None:
        if not needle:
            return None
        ln, col = self.line, self.col
        while ln <= min(self.end_line, len(self.lines)):
            text = self.lines[ln - 1]
            idx = text.find(needle, col - 1)
            if idx >= 0:
                self.line, self.col = ln, idx + len(needle) + 1
                return Span(ln, idx + 1, ln, idx + len(needle) + 1)
            ln, col = ln + 1, 1
        return None


def _loc(path: str, span: Span | None, fallback: Span) -> dict[str, Any]:
    return (span or fallback).loc(path)


# ----------------------------------------------------------------------- collector
class MlflowCollector:
    family = "mlflow"

    def applies(self, ws: Workspace) -> bool:
        return any(_kind_of(f.path) is not None for f in ws.candidates())

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        servers: list[dict[str, Any]] = []
        env: list[dict[str, Any]] = []
        auth: list[dict[str, Any]] = []
        versions: list[dict[str, Any]] = []
        notes: list[Notification] = []
        files: list[str] = []
        charts = chart_index(ws, ctx)
        tf_files = [f.path for f in ws.candidates() if f.path.endswith(".tf")]
        all_paths = frozenset(f.path for f in ws.candidates())
        for f in ws.candidates():
            kind = _kind_of(f.path)
            if kind is None:
                continue
            if kind in ("yaml", "ini") and ctx.parsed.over_limit(kind, f.path):
                continue  # over limits.max_yaml_size / max_ini_size: noted once, never read
            text = ctx.parsed.text(f.path)
            if text is None:
                continue  # the parse cache owns the notification
            if "mlflow" not in text.lower() and kind != "ini" and not _chart_values(f.path, charts):
                continue
            try:
                if kind == "yaml":
                    s, e, v, a = _from_yaml(f.path, text, ctx, charts)
                    auth.extend(a)
                elif kind == "json":
                    s, e, v = _from_json(f.path, ctx)
                elif kind == "terraform":
                    s, e, v = _from_terraform(f.path, text, ctx, tf_files, all_paths)
                elif kind == "dockerfile":
                    s, e, v = _from_dockerfile(f.path, text)
                elif kind == "ini":
                    a_ = _auth_config(f.path, ctx, ws)
                    if a_ is not None:
                        auth.append(a_)
                        files.append(f.path)
                    continue
                elif kind == "requirements":
                    s, e, v = [], [], _from_requirements(f.path, text, "requirements")
                elif kind == "conda":
                    s, e, v = [], [], _from_requirements(f.path, text, "conda")
                else:
                    s, e, v = _from_script(f.path, text, kind), [], []
                    if any(srv["kind"] in ("server", "ui") for srv in s):
                        v = _pip_pins(f.path, text)  # the script installs what it starts
                    if kind != "systemd":
                        hs, ha, hv = _helm_servers(helm_command_values(f.path, text))
                        s, v = [*s, *hs], [*v, *hv]
                        auth.extend(ha)
            except SourceError as exc:
                notes.append(notification(f.path, exc.message, SOURCE, line=exc.line))
                continue
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(f.path, SOURCE, exc))
                continue
            if s or e or v:
                files.append(f.path)
            servers.extend(s)
            env.extend(e)
            versions.extend(v)
        versions.extend(charts.versions)
        _installers(ws, ctx, versions, servers)
        # one shape for every source: the union of the keys, null where a source cannot say
        shape = set(SERVER_KEYS).union(*(srv.keys() for srv in servers)) if servers else set()
        for srv in servers:
            srv["auth_config_paths"] = sorted({a["path"] for a in auth})
            for field_name in sorted(shape):
                srv.setdefault(field_name, None)

        def key(d: dict[str, Any]) -> tuple[Any, ...]:
            return (d["loc"]["path"], d["loc"]["line"] or 0, d["loc"]["col"] or 0)

        facts = {
            "servers": sorted(servers, key=key),
            "environment": sorted(env, key=key),
            "auth_configs": sorted(auth, key=key),
            "versions": sorted(versions, key=key),
        }
        return CollectorOutput(facts=facts, notifications=tuple(notes), files=tuple(files))


# Keys every server fact carries, whatever its source (None when the source cannot say).
SERVER_KEYS = (
    "unresolved_arguments",
    "auth_setting",
    "auth_setting_value",
    "auth_setting_loc",
    "chart",
    "chart_ref",
    "service_type",
    "service_type_loc",
    "ingress_enabled",
    "backend_store_uri_setting",
    "platform",
    "resource",
)

_INTERPOLATION = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(.*)\}$")


def interpolation_default(value: str) -> str:
    """``${VAR:-default}`` / ``${VAR-default}`` (compose, shell) -> ``default``: what the
    setting is unless an operator sets VAR."""
    m = _INTERPOLATION.match(value.strip())
    return m.group(1) if m else value


_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".template", ".tpl", ".tmpl")
_INSTALL_WORDS = re.compile(r"\b(pip3?|COPY|ADD|conda|mamba|uv|poetry)\b")
_INSTALLER_KINDS = frozenset({"dockerfile", "script", "makefile", "yaml", "template"})


def _installers(
    ws: Workspace,
    ctx: CollectContext,
    versions: list[dict[str, Any]],
    servers: list[dict[str, Any]],
) -> None:
    """Where each requirements / conda file is installed: the Dockerfiles, scripts,
    Makefiles and CI steps that name it on an install line, and whether they start an
    MLflow server (a pin in a file installed only into other images is a client's)."""
    pins = [v for v in versions if v.get("source") in ("requirements", "conda")]
    if not pins:
        return
    running = {srv["loc"]["path"] for srv in servers if srv.get("kind") in ("server", "ui")}
    names = {PurePosixPath(v["path"]).name for v in pins}
    found: dict[str, set[str]] = {n: set() for n in names}
    for f in ws.candidates():
        if _kind_of(f.path) not in _INSTALLER_KINDS or f.path in {v["path"] for v in pins}:
            continue
        text = ctx.parsed.text(f.path)
        if text is None or not any(n in text for n in names):
            continue
        for line in text.splitlines():
            if not _INSTALL_WORDS.search(line) and "-r " not in line:
                continue
            for n in names:
                if re.search(rf"(^|[\s/=\"'])({re.escape(n)})($|[\s\"'])", line):
                    found[n].add(f.path)
    for v in versions:
        if v.get("source") in ("requirements", "conda"):
            by = sorted(found.get(PurePosixPath(v["path"]).name, set()))
            v["installed_by"] = [{"path": p, "runs_server": p in running} for p in by]


def _kind_of(path: str) -> str | None:
    p = PurePosixPath(path)
    name = p.name
    lower = name.lower()
    for suffix in _TEMPLATE_SUFFIXES:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            inner = _kind_of(str(p.with_name(name[: -len(suffix)])))
            # a templated YAML file is read line by line (Jinja makes it invalid YAML)
            if inner in ("yaml", "json", "terraform", "requirements", "conda"):
                return "template"
            jinja_or_tf = lower.endswith((".j2", ".jinja", ".jinja2", ".tpl", ".tmpl"))
            return inner or ("template" if jinja_or_tf else None)
    if lower in ("environment.yml", "environment.yaml", "conda.yaml", "conda.yml"):
        return "conda"
    if lower.endswith((".yaml", ".yml")) and not lower.startswith(".mlscan"):
        return "yaml"
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".tf"):
        return "terraform"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower.endswith(".service"):
        return "systemd"
    if lower.endswith((".sh", ".bash")) or lower in ("entrypoint", "user_data", "user-data"):
        return "script"
    if lower in ("makefile", "gnumakefile") or lower.endswith(".mk"):
        return "makefile"
    if lower == "procfile":
        return "procfile"
    if lower.endswith(".ini") and ("auth" in lower or "mlflow" in lower):
        return "ini"
    if lower.startswith("requirements") and lower.endswith((".txt", ".in")):
        return "requirements"
    return None


# ------------------------------------------------------------------------ servers
def _server_fact(
    *,
    path: str,
    source: str,
    service: str,
    tokens: list[str],
    locator: _Locator,
    fallback: Span,
    image: str | None,
    image_span: Span | None,
    env_values: dict[str, str],
    env_spans: dict[str, Span] | None = None,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    spans = env_spans or {}
    for inv in find_invocations(tokens):
        cmd_span = locator.find("mlflow") or fallback
        flags: list[dict[str, Any]] = []
        by_name: dict[str, dict[str, Any]] = {}
        for name, value in inv.flags:
            span = locator.find(name)
            shown = value
            if value is not None and (name in URI_FLAGS or "uri" in name):
                shown = redact_uri(value)
            entry = {
                "name": name,
                "value": shown,
                "env_reference": env_reference(value) if value else None,
                "loc": _loc(path, span, cmd_span),
            }
            flags.append(entry)
            by_name[name] = entry

        def flag_value(
            name: str,
            env_name: str | None = None,
            by_name: dict[str, dict[str, Any]] = by_name,
            inv: Any = inv,
        ) -> tuple[str | None, Any]:
            entry = by_name.get(name)
            if entry is not None:
                raw = next((v for n, v in inv.flags if n == name), None)
                ref = env_reference(raw) if raw else None
                if ref and ref in env_values:
                    return env_values[ref], entry["loc"]
                return raw, entry["loc"]
            if env_name and env_name in env_values:
                return env_values[env_name], None
            return None, None

        def middleware_value(
            flag: str, env_name: str, by_name: dict[str, dict[str, Any]] = by_name
        ) -> tuple[str | None, Any]:
            """A middleware setting; from the environment, ``${VAR:-*}`` is its default and
            the variable's line is where it is set."""
            value, loc = flag_value(flag, env_name)
            if value is not None and by_name.get(flag) is None:
                value = interpolation_default(value)
                span = spans.get(env_name)
                loc = span.loc(path) if span is not None else loc
            return value, loc

        host, host_loc = flag_value("--host", "MLFLOW_HOST")
        port, _ = flag_value("--port", "MLFLOW_PORT")
        app, app_loc = flag_value("--app-name")
        backend, backend_loc = flag_value("--backend-store-uri", "MLFLOW_BACKEND_STORE_URI")
        allowed, allowed_loc = middleware_value("--allowed-hosts", "MLFLOW_SERVER_ALLOWED_HOSTS")
        cors, cors_loc = middleware_value(
            "--cors-allowed-origins", "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS"
        )
        dsm = by_name.get("--disable-security-middleware")
        dsm_env = env_values.get("MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE", "").lower()
        version = image_mlflow_version(image) if image else None
        # ``$AUTH_ARGS`` standing alone may add --app-name at run time: auth is then unknown
        values = {v for _, v in inv.flags if v is not None}
        unresolved = [
            t for t in inv.tokens[2:] if env_reference(t) and t not in values
        ]
        auth_enabled: bool | None = app == "basic-auth" or bool(app and "auth" in app)
        if not auth_enabled and unresolved:
            auth_enabled = None
        out.append(
            {
                "kind": inv.kind,
                "source": source,
                "path": path,
                "service": service,
                "loc": cmd_span.loc(path),
                "command": " ".join(redact_uri(t) if "://" in t else t for t in inv.tokens),
                "image": image,
                "image_loc": image_span.loc(path) if image_span else None,
                "mlflow_version": version,
                "mlflow_version_parts": version_parts(version) if version else None,
                "host": host,
                "host_explicit": host is not None,
                "host_loc": host_loc,
                "port": port,
                "auth_app": app,
                "auth_app_loc": app_loc,
                "auth_enabled": auth_enabled,
                "unresolved_arguments": unresolved,
                "serve_artifacts": (
                    True
                    if "--serve-artifacts" in by_name
                    else False
                    if "--no-serve-artifacts" in by_name
                    else None
                ),
                "artifacts_destination": _redacted(flag_value("--artifacts-destination")[0]),
                "artifacts_destination_loc": flag_value("--artifacts-destination")[1],
                "default_artifact_root": _redacted(flag_value("--default-artifact-root")[0]),
                "default_artifact_root_loc": flag_value("--default-artifact-root")[1],
                "backend_store_uri": _redacted(backend),
                "backend_store_uri_has_password": bool(backend and uri_has_password(backend)),
                "backend_store_uri_loc": backend_loc,
                "allowed_hosts": allowed,
                "allowed_hosts_loc": allowed_loc,
                "cors_allowed_origins": cors,
                "cors_allowed_origins_loc": cors_loc,
                "disable_security_middleware": dsm is not None or dsm_env in ("1", "true"),
                "disable_security_middleware_loc": dsm["loc"] if dsm else None,
                "flags": flags,
            }
        )
    return out


def _redacted(value: str | None) -> str | None:
    return redact_uri(value) if value and "://" in value else value


def _env_fact(
    path: str, service: str, name: str, value: str | None, span: Span
) -> dict[str, Any] | None:
    if value is None:
        return None
    ref = env_reference(value)
    is_uri = "://" in value
    if not (name.startswith("MLFLOW_") or name in URI_ENV or is_uri or looks_secret_name(name)):
        return None
    # NAME_FILE=/run/secrets/x (Docker/Kubernetes secret files) points at a secret; it is not one
    points_to_file = name.upper().endswith("_FILE") or value.startswith(("/", "./"))
    literal_secret = (
        looks_secret_name(name)
        and not ref
        and bool(value)
        and not is_uri
        and not points_to_file
        and not is_placeholder(value)
    )
    return {
        "path": path,
        "service": service,
        "name": name,
        "value": None if literal_secret else (redact_uri(value) if is_uri else value),
        "is_uri": is_uri,
        "uri_scheme": value.split("://", 1)[0].lower() if is_uri else None,
        "has_password": (is_uri and uri_has_password(value)) or literal_secret,
        "env_reference": ref,
        "loc": span.loc(path),
    }


# --------------------------------------------------------------------------- YAML
@dataclass(frozen=True)
class _Keys:
    """How one container format spells its fields."""

    source: str
    image: str
    env: str
    parts: tuple[str, ...]
    env_name: str = "name"
    env_value: str = "value"
    compose: bool = False


COMPOSE = _Keys("compose", "image", "environment", ("entrypoint", "command"), compose=True)
K8S = _Keys("kubernetes", "image", "env", ("command", "args"))
ECS_JSON = _Keys("ecs", "image", "environment", ("entryPoint", "command"))
ECS_CFN = _Keys(
    "cloudformation", "Image", "Environment", ("EntryPoint", "Command"), "Name", "Value"
)

_SERVER_WORDS = re.compile(
    r"\bmlflow\b.*\b(server|ui|models\s+serve)\b|python3?\s+-m\s+mlflow\b", re.S
)


def _from_yaml(
    path: str, text: str, ctx: CollectContext, charts: ChartIndex
) -> tuple[
    list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]
]:
    docs = ctx.parsed.yaml(path)
    if docs is None:
        return [], [], [], []
    lines = text.splitlines()
    servers: list[dict[str, Any]] = []
    envs: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    auths: list[dict[str, Any]] = []
    helm: list[HelmValues] = []
    handled: set[int] = set()
    for doc in docs:
        if doc.kind == "seq":  # Ansible task lists and playbooks
            servers.extend(_commands_in(path, doc, lines, handled, _yaml_source(path, doc)))
            continue
        if doc.kind != "map":
            continue
        services = doc.get("services")
        if services is not None and services.kind == "map":
            for name, svc in services.items():
                if svc.kind == "map":
                    _container(path, name, svc, lines, servers, envs, versions, COMPOSE)
                    handled.update(id(n) for n in svc.walk())
            continue
        is_values = _chart_values(path, charts)
        if is_values is not None:
            for release, root in values_roots(doc, is_values.aliases):
                helm.append(
                    HelmValues(
                        path=path,
                        source="helm-values",
                        release=release or is_values.name,
                        chart=dict(is_values.alias_refs).get(release, "mlflow")
                        if release
                        else is_values.chart_ref,
                        flat=flatten(root),
                        root=root.span if release else Span(1, 1, 1, 1),
                        app_version=is_values.app_version,
                    )
                )
            continue
        helm.extend(helmfile_values(path, doc))
        helm.extend(argocd_values(path, doc, _embedded_yaml))
        for cname, container, keys in _containers_of(doc):
            _container(path, cname, container, lines, servers, envs, versions, keys)
            handled.update(id(n) for n in container.walk())
        # commands anywhere else: CI steps, Ansible tasks, cloud-init runcmd, GitLab scripts
        servers.extend(_commands_in(path, doc, lines, handled, _yaml_source(path, doc)))
    hs, ha, hv = _helm_servers(helm)
    if not any(h.source == "helm-values" for h in helm):
        more = helm_command_values(path, text, "helm-set")
        ms, ma, mv = _helm_servers(more)
        hs, ha, hv = [*hs, *ms], [*ha, *ma], [*hv, *mv]
    return [*servers, *hs], envs, [*versions, *hv], [*auths, *ha]


def _commands_in(
    path: str, doc: Node, lines: list[str], handled: set[int], source: str
) -> list[dict[str, Any]]:
    """mlflow commands in the strings (and exec-form lists) of a YAML document."""
    servers: list[dict[str, Any]] = []
    for node in doc.walk():
        if id(node) in handled:
            continue
        if node.kind == "scalar" and isinstance(node.value, str):
            if _SERVER_WORDS.search(node.value):
                servers.extend(_from_region(path, lines, node.span, source))
        elif node.kind == "seq" and node.children and all(
            c.kind == "scalar" for c in node.children
        ):
            tokens = [str(c.value) for c in node.children]
            if tokens[0].rsplit("/", 1)[-1] == "mlflow":
                handled.update(id(c) for c in node.children)
                servers.extend(
                    _server_fact(
                        path=path,
                        source=source,
                        service="",
                        tokens=tokens,
                        locator=_Locator(
                            lines, node.span.line, node.span.col, node.span.end_line
                        ),
                        fallback=node.span,
                        image=None,
                        image_span=None,
                        env_values={},
                    )
                )
    return servers


def _yaml_source(path: str, doc: Node) -> str:
    lower = path.lower()
    if lower.startswith(".github/workflows/"):
        return "github-workflow"
    if lower.endswith((".gitlab-ci.yml", ".gitlab-ci.yaml")):
        return "gitlab-ci"
    is_map = doc.kind == "map"
    if "cloud-init" in lower or "cloud_init" in lower or (is_map and doc.get("runcmd") is not None):
        return "cloud-init"
    if (
        "ansible" in lower
        or "/tasks/" in f"/{lower}"
        or "/handlers/" in f"/{lower}"
        or "playbook" in lower
        or doc.kind == "seq"
    ):
        return "ansible"
    return "yaml"


def _chart_values(path: str, charts: ChartIndex) -> ChartInfo | None:
    return chart_values(path, charts)


def _from_region(path: str, lines: list[str], span: Span, source: str) -> list[dict[str, Any]]:
    """Shell commands in a multi-line region of a file (a YAML block scalar)."""
    region = "\n".join(lines[span.line - 1 : span.end_line])
    out = _from_script(path, region, "embedded", first_line=span.line, all_lines=lines)
    for srv in out:
        srv["source"] = source
    return out


def _helm_servers(
    values: list[HelmValues],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    servers: list[dict[str, Any]] = []
    auths: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for v in values:
        s, a, ver = helm_server_facts(v)
        servers.extend(s)
        auths.extend(a)
        versions.extend(ver)
    return servers, auths, versions


_TF_COMMAND = re.compile(
    r"""^\s*["']?(command|args|entryPoint|entrypoint|start_command)["']?\s*[=:]"""
)


_MAX_EMBEDDED_VALUES = 256 * 1024


def _embedded_yaml(text: str) -> Node | None:
    """A YAML document held in a string of an already-parsed file (Argo CD
    ``helm.values``): bounded, and a bad one is simply not read."""
    if len(text) > _MAX_EMBEDDED_VALUES:
        return None
    try:
        docs = parse_yaml_documents(text)
    except SourceError:
        return None
    return docs[0] if docs else None


def _tf_locals(path: str, ctx: CollectContext, tf_files: list[str]) -> dict[str, Any]:
    """``locals`` of the module (the ``.tf`` files of ``path``'s folder)."""
    folder = str(PurePosixPath(path).parent)
    out: dict[str, Any] = {}
    for rel in tf_files:
        if str(PurePosixPath(rel).parent) != folder:
            continue
        for block in (ctx.parsed.hcl(rel) or {}).get("locals") or []:
            if not isinstance(block, dict):
                continue
            for name, value in block.items():
                if not name.startswith("__"):
                    out[name] = value[0] if isinstance(value, list) and len(value) == 1 else value
    return out


def _from_terraform(
    path: str,
    text: str,
    ctx: CollectContext,
    tf_files: list[str],
    all_paths: frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    lines = text.splitlines()
    versions: list[dict[str, Any]] = []

    def build(
        *,
        path: str,
        service: str,
        tokens: list[str] | None,
        region: tuple[int, int],
        image: str | None,
        image_written: str | None,
        env: dict[str, str],
        source: str,
        resource: str,
    ) -> list[dict[str, Any]]:
        start, end = region
        end = min(max(end, start), len(lines))
        if tokens is None:
            body = "\n".join(lines[start - 1 : end])
            facts = _from_script(path, body, "embedded", first_line=start, all_lines=lines)
            if any(f["kind"] in ("server", "ui") for f in facts):
                # the start-up script (user_data, a startup script) installs what it starts
                for pin in _pip_pins(path, body):
                    loc = pin["loc"]
                    loc["line"] += start - 1
                    loc["end_line"] += start - 1
                    versions.append(pin)
        else:
            image_span = None
            if image_written:
                for ln in range(start, end + 1):
                    col = lines[ln - 1].find(image_written)
                    if col >= 0:
                        image_span = Span(ln, col + 1, ln, col + 1 + len(image_written))
                        break
            # the command starts at its attribute, not at an image or name holding "mlflow"
            cmd_line = next(
                (n for n in range(start, end + 1) if _TF_COMMAND.search(lines[n - 1])), start
            )
            fallback = Span(cmd_line, 1, cmd_line, len(lines[cmd_line - 1]) + 1)
            facts = _server_fact(
                path=path,
                source=source,
                service=service,
                tokens=tokens,
                locator=_Locator(lines, cmd_line, 1, end),
                fallback=fallback,
                image=image,
                image_span=image_span,
                env_values=env,
            )
            version = image_mlflow_version(image) if image else None
            if version and image_span is not None:
                versions.append(
                    {
                        "version": version,
                        "parts": version_parts(version),
                        "source": "image",
                        "image": image,
                        "path": path,
                        "loc": image_span.loc(path),
                    }
                )
        for fact in facts:
            fact["source"] = source
            fact["platform"] = source if source != "terraform" else None
            fact["resource"] = resource
            fact["service"] = service
        return facts

    servers = scan_terraform(path, text, ctx, tf_files, build)
    doc = ctx.parsed.hcl(path)
    if doc is not None:
        def load_yaml(rel: str) -> Node | None:
            docs = ctx.parsed.yaml(rel) if rel in all_paths else None
            return docs[0] if docs else None

        releases = terraform_releases(path, text, doc, load_yaml, _tf_locals(path, ctx, tf_files))
        hs, _auths, hv = _helm_servers(releases)
        servers.extend(hs)
        versions.extend(hv)
    return servers, [], versions


def _from_json(
    path: str, ctx: CollectContext
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """ECS task definitions and CloudFormation templates written as JSON."""
    root = ctx.parsed.json(path)
    servers: list[dict[str, Any]] = []
    envs: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    text = ctx.parsed.text(path) or ""
    if root is None or root.kind != "map":
        return servers, envs, versions
    lines = text.splitlines()
    for cname, container, keys in _containers_of(root):
        _container(path, cname, container, lines, servers, envs, versions, keys)
    return servers, envs, versions


def _containers_of(doc: Node) -> Iterator[tuple[str, Node, _Keys]]:
    """Containers of Kubernetes-shaped manifests (Deployments, Knative / Cloud Run services,
    Azure Container Apps, Argo workflows), ECS task definitions (JSON) and CloudFormation
    ``AWS::ECS::TaskDefinition`` resources."""
    kind = doc.get_str("kind") or ""
    meta = doc.get("metadata")
    base = (meta.get_str("name") if meta is not None else None) or kind
    for node in doc.walk():
        if node.kind != "map":
            continue
        for key, keys in (
            ("containers", K8S),
            ("initContainers", K8S),
            ("containerDefinitions", ECS_JSON),
            ("ContainerDefinitions", ECS_CFN),
        ):
            seq = node.get(key)
            if seq is None or seq.kind != "seq":
                continue
            for c in seq.children:
                if c.kind != "map":
                    continue
                cname = c.get_str("name") or c.get_str("Name") or ""
                yield (f"{base}/{cname}" if base and cname else cname or base), c, keys


def _container(
    path: str,
    service: str,
    node: Node,
    lines: list[str],
    servers: list[dict[str, Any]],
    envs: list[dict[str, Any]],
    versions: list[dict[str, Any]],
    keys: _Keys,
) -> None:
    source = keys.source
    compose = keys.compose
    image_node = node.get(keys.image)
    image = (
        str(image_node.value) if image_node is not None and image_node.kind == "scalar" else None
    )
    env_values: dict[str, str] = {}
    env_spans: dict[str, Span] = {}
    env_node = node.get(keys.env)
    for name, value, span in _env_entries(env_node, compose, keys.env_name, keys.env_value):
        if value is not None:
            env_values[name] = value
            env_spans[name] = span
        fact = _env_fact(path, service, name, value, span)
        if fact is not None:
            envs.append(fact)
    if image and image_node is not None:
        version = image_mlflow_version(image)
        if version:
            versions.append(
                {
                    "version": version,
                    "parts": version_parts(version),
                    "source": "image",
                    "image": image,
                    "path": path,
                    "loc": image_node.span.loc(path),
                }
            )
    parts = keys.parts
    tokens: list[str] = []
    first: Node | None = None
    last: Node | None = None
    for key in parts:
        part = node.get(key)
        if part is None:
            continue
        first = first if first is not None else part
        last = part
        if part.kind == "seq":
            tokens.extend(str(c.value) for c in part.children)
        elif part.kind == "scalar" and part.value is not None:
            tokens.extend(split_shell(str(part.value)))
    if not tokens or first is None or last is None:
        return
    if (
        image
        and "mlflow" in image.lower()
        and tokens[0].split("=", 1)[0] in _SERVER_ONLY_FLAGS
        and not find_invocations(tokens)
    ):
        # arguments only: the image's entrypoint is the server (``--host=0.0.0.0 ...``)
        tokens = ["mlflow", "server", *tokens]
    start = first.span
    locator = _Locator(lines, start.line, start.col, last.span.end_line)
    servers.extend(
        _server_fact(
            path=path,
            source=source,
            service=service,
            tokens=tokens,
            locator=locator,
            fallback=start,
            image=image,
            image_span=image_node.span if image_node is not None else None,
            env_values=env_values,
            env_spans=env_spans,
        )
    )


_SERVER_ONLY_FLAGS = frozenset(
    {"--host", "-h", "--port", "-p", "--backend-store-uri", "--default-artifact-root",
     "--artifacts-destination", "--serve-artifacts", "--app-name", "--workers",
     "--registry-store-uri", "--allowed-hosts"}
)  # fmt: skip


def _env_entries(
    node: Node | None, compose: bool, name_key: str = "name", value_key: str = "value"
) -> Iterator[tuple[str, str | None, Span]]:
    if node is None:
        return
    if node.kind == "map":
        for name, child in node.items():
            value = None if child.value is None else str(child.value)
            yield name, value, child.key_span or child.span
    elif node.kind == "seq":
        for item in node.children:
            if item.kind == "scalar" and isinstance(item.value, str):
                name, sep, value = item.value.partition("=")
                yield name.strip(), (value if sep else None), item.span
            elif item.kind == "map" and not compose:
                name_node = item.get(name_key)
                value_node = item.get(value_key)
                if name_node is None:
                    continue
                value = (
                    None
                    if value_node is None or value_node.value is None
                    else str(value_node.value)
                )
                yield str(name_node.value), value, (value_node or name_node).span


# ---------------------------------------------------------------- Dockerfile & co
def _logical_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(first line, last line, joined text) with backslash continuations joined."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        start = i
        buf = lines[i]
        while buf.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            buf = buf.rstrip()[:-1] + " " + lines[i]
        yield start + 1, i + 1, buf
        i += 1


def _from_dockerfile(
    path: str, text: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    import json as _json

    lines = text.splitlines()
    servers: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    envs: list[dict[str, Any]] = []
    image: str | None = None
    image_span: Span | None = None
    env_values: dict[str, str] = {}
    for first, last, line in _logical_lines(text):
        stripped = line.strip()
        instr, _, rest = stripped.partition(" ")
        upper = instr.upper()
        if upper == "FROM":
            image = rest.split()[0] if rest.split() else None
            col = lines[first - 1].find(image or "") + 1 if image else 1
            image_span = Span(first, col, first, col + len(image or ""))
            version = image_mlflow_version(image) if image else None
            if version:
                versions.append(
                    {
                        "version": version,
                        "parts": version_parts(version),
                        "source": "image",
                        "image": image,
                        "path": path,
                        "loc": image_span.loc(path),
                    }
                )
        elif upper == "ENV":
            for tok in split_shell(rest):
                if "=" in tok:
                    name, _, value = tok.partition("=")
                    env_values[name] = value
                    fact = _env_fact(
                        path, "", name, value, Span(first, 1, last, len(lines[last - 1]) + 1)
                    )
                    if fact:
                        envs.append(fact)
        elif upper == "RUN":
            for m in _PIP_PIN.finditer(rest):
                if m.group(1) != "==":
                    continue  # a lower bound is not the installed version
                version = m.group(2)
                col = lines[first - 1].find(m.group(0)) + 1
                versions.append(
                    {
                        "version": version,
                        "parts": version_parts(version),
                        "source": "pip",
                        "image": None,
                        "path": path,
                        "loc": Span(first, max(col, 1), first, max(col, 1) + len(m.group(0))).loc(
                            path
                        ),
                    }
                )
        elif upper in ("CMD", "ENTRYPOINT"):
            try:
                tokens = _json.loads(rest) if rest.strip().startswith("[") else split_shell(rest)
                tokens = [str(t) for t in tokens]
            except ValueError:
                tokens = split_shell(rest)
            fallback = Span(first, 1, last, len(lines[last - 1]) + 1)
            servers.extend(
                _server_fact(
                    path=path,
                    source="dockerfile",
                    service="",
                    tokens=tokens,
                    locator=_Locator(lines, first, 1, last),
                    fallback=fallback,
                    image=image,
                    image_span=image_span,
                    env_values=env_values,
                )
            )
    return servers, envs, versions


_DOCKER_VALUE_FLAGS = frozenset(
    {"-p", "--publish", "-e", "--env", "-v", "--volume", "--name", "--network", "--net", "-w",
     "--workdir", "--env-file", "--entrypoint", "--mount", "-u", "--user", "--platform",
     "--restart", "-l", "--label", "--add-host", "--hostname", "-h", "--memory", "-m", "--cpus",
     "--gpus", "--shm-size", "--ipc", "--pull", "--log-driver", "--log-opt", "--device"}
)  # fmt: skip


_MAKE_VAR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*[:?]?=\s*(\S+)\s*$", re.M)
_MAKE_REF = re.compile(r"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")


def _make_expand(token: str, make_vars: dict[str, str]) -> str:
    if not make_vars:
        return token
    return _MAKE_REF.sub(lambda m: make_vars.get(m.group(1), m.group(0)), token)


def docker_run_image(tokens: list[str]) -> tuple[str | None, dict[str, str]]:
    """(image, -e environment) of a ``docker run`` / ``podman run`` command."""
    for i in range(len(tokens) - 1):
        if tokens[i].rsplit("/", 1)[-1] in ("docker", "podman") and tokens[i + 1] == "run":
            env: dict[str, str] = {}
            j = i + 2
            while j < len(tokens):
                tok = tokens[j]
                if tok in ("-e", "--env") and j + 1 < len(tokens):
                    name, _, value = tokens[j + 1].partition("=")
                    env[name] = value
                if tok in _DOCKER_VALUE_FLAGS:
                    j += 2
                    continue
                if tok.startswith("-"):
                    j += 1
                    continue
                return tok, env
            return None, env
    return None, {}


def _from_script(
    path: str,
    text: str,
    kind: str,
    *,
    first_line: int = 1,
    all_lines: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Commands in a shell script, systemd unit, Procfile or Makefile (one per logical
    line); ``first_line``/``all_lines`` place a region of a larger file."""
    lines = all_lines if all_lines is not None else text.splitlines()
    offset = first_line - 1
    servers: list[dict[str, Any]] = []
    make_vars = dict(_MAKE_VAR.findall(text)) if kind == "makefile" else {}
    for first, last, line in _logical_lines(text):
        first, last = first + offset, last + offset
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "mlflow" not in stripped:
            continue
        service = ""
        if kind == "systemd" or (kind in ("embedded", "template") and "ExecStart" in stripped):
            key, sep, rest = stripped.partition("=")
            if not sep or key.strip() not in ("ExecStart", "ExecStartPre"):
                continue
            stripped = rest.lstrip("-@+!:")
        elif kind == "procfile":
            service, sep, rest = stripped.partition(":")
            if not sep:
                continue
            stripped = rest
        elif kind == "makefile":
            if not line.startswith("\t"):
                continue  # a recipe line; rules and variables hold no command
            stripped = stripped.lstrip("@-+")
        elif stripped.startswith("- "):
            stripped = stripped[2:]  # a YAML list item inside a region
        written_tokens = split_shell(stripped)
        written_image, _ = docker_run_image(written_tokens)
        tokens = [_make_expand(t, make_vars) for t in written_tokens]
        image, env_values = docker_run_image(tokens)
        fallback = Span(first, 1, last, len(lines[last - 1]) + 1)
        image_span = None
        if written_image:
            col = lines[first - 1].find(written_image)
            end = col + 1 + len(written_image)
            image_span = Span(first, col + 1, first, end) if col >= 0 else None
        servers.extend(
            _server_fact(
                path=path,
                source=kind,
                service=service.strip(),
                tokens=tokens,
                locator=_Locator(lines, first, 1, last),
                fallback=fallback,
                image=image,
                image_span=image_span,
                env_values=env_values,
            )
        )
    return servers


def _pip_pins(path: str, text: str) -> list[dict[str, Any]]:
    """``pip install mlflow==X`` in a script that also starts the server."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if "pip" not in line:
            continue
        for m in _PIP_PIN.finditer(line):
            if m.group(1) != "==":
                continue
            version = m.group(2)
            col = m.start() + 1
            out.append(
                {
                    "version": version,
                    "parts": version_parts(version),
                    "source": "pip",
                    "operator": "==",
                    "image": None,
                    "path": path,
                    "loc": Span(n, col, n, col + len(m.group(0))).loc(path),
                }
            )
    return out


_CONDA_PIN = re.compile(
    r"^\s*-\s*mlflow(?:-skinny)?\s*(==|=|~=|<=|<|>=)\s*([0-9][0-9.]*)", re.I | re.M
)


def _from_requirements(path: str, text: str, source: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    pattern = _CONDA_PIN if source == "conda" else _PIN
    for m in pattern.finditer(text):
        op = "==" if m.group(1) == "=" else m.group(1)
        if op not in ("==", "~=", "<=", "<"):
            continue
        lead = len(m.group(0)) - len(m.group(0).lstrip())
        line = text.count("\n", 0, m.start() + lead) + 1
        version = m.group(2)
        col = m.start() + lead - (text.rfind("\n", 0, m.start() + lead) + 1) + 1
        out.append(
            {
                "version": version,
                "parts": version_parts(version),
                "source": source,
                "operator": op,
                "image": None,
                "path": path,
                "loc": Span(line, col, line, col + len(m.group(0).strip())).loc(path),
            }
        )
    return out


# ----------------------------------------------------------------- basic_auth.ini
def _auth_config(path: str, ctx: CollectContext, ws: Workspace) -> dict[str, Any] | None:
    doc = ctx.parsed.ini(path)
    if doc is None:
        return None
    section = doc.section("mlflow")
    if section is None:
        return None
    keys = {e.key for e in section.entries}
    if not keys & {"default_permission", "admin_username", "admin_password", "database_uri"}:
        return None
    perm = section.get("default_permission")
    pw = section.get("admin_password")
    user = section.get("admin_username")
    db = section.get("database_uri")
    pw_value = pw.value if pw else ""
    return {
        "path": path,
        "loc": section.span.loc(path),
        "tracked_by_git": ws.is_tracked(path),
        "git_ignored": ws.is_git_ignored(path),
        "default_permission": perm.value.upper() if perm else None,
        "default_permission_loc": perm.key_span.loc(path) if perm else None,
        "admin_username": user.value if user else None,
        "admin_password_present": bool(pw_value)
        and env_reference(pw_value) is None
        and not is_placeholder(pw_value),
        "admin_password_placeholder": bool(pw_value) and is_placeholder(pw_value),
        "admin_password_placeholder_kind": placeholder_kind(pw_value) if pw_value else None,
        "admin_password_is_default": pw_value == DEFAULT_ADMIN_PASSWORD,
        "admin_password_loc": pw.key_span.loc(path) if pw else None,
        "database_uri": redact_uri(db.value) if db else None,
        "database_uri_has_password": bool(db and uri_has_password(db.value)),
        "database_uri_loc": db.key_span.loc(path) if db else None,
    }
