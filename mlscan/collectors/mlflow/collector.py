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
from mlscan.collectors.mlflow.cmd import (
    env_reference,
    find_invocations,
    image_mlflow_version,
    looks_secret_name,
    redact_uri,
    split_shell,
    uri_has_password,
)
from mlscan.models import Notification
from mlscan.sourcemap import IniDocument, Node, SourceError, Span
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
        for f in ws.candidates():
            kind = _kind_of(f.path)
            if kind is None:
                continue
            if kind in ("yaml", "ini") and ctx.parsed.over_limit(kind, f.path):
                continue  # over limits.max_yaml_size / max_ini_size: noted once, never read
            text = ctx.parsed.text(f.path)  # unreadable: noted once, by the parse cache
            if text is None or ("mlflow" not in text.lower() and kind != "ini"):
                continue
            try:
                if kind == "yaml":
                    docs = ctx.parsed.yaml(f.path)
                    if docs is None:
                        continue  # rejected: noted once, by the parse cache
                    s, e, v = _from_yaml(f.path, text, docs)
                elif kind == "dockerfile":
                    s, e, v = _from_dockerfile(f.path, text)
                elif kind == "ini":
                    doc = ctx.parsed.ini(f.path)
                    a = _auth_config(f.path, doc, ws) if doc is not None else None
                    if a is not None:
                        auth.append(a)
                        files.append(f.path)
                    continue
                elif kind == "requirements":
                    s, e, v = [], [], _from_requirements(f.path, text)
                else:
                    s, e, v = _from_script(f.path, text, kind), [], []
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
        for srv in servers:
            srv["auth_config_paths"] = sorted(a["path"] for a in auth)

        def key(d: dict[str, Any]) -> tuple[Any, ...]:
            return (d["loc"]["path"], d["loc"]["line"] or 0, d["loc"]["col"] or 0)

        facts = {
            "servers": sorted(servers, key=key),
            "environment": sorted(env, key=key),
            "auth_configs": sorted(auth, key=key),
            "versions": sorted(versions, key=key),
        }
        return CollectorOutput(facts=facts, notifications=tuple(notes), files=tuple(files))


def _kind_of(path: str) -> str | None:
    p = PurePosixPath(path)
    name = p.name
    lower = name.lower()
    if lower.endswith((".yaml", ".yml")) and not lower.startswith(".mlscan"):
        return "yaml"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile"):
        return "dockerfile"
    if lower.endswith(".service"):
        return "systemd"
    if lower.endswith((".sh", ".bash")) or lower == "entrypoint":
        return "script"
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
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
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

        host, host_loc = flag_value("--host", "MLFLOW_HOST")
        port, _ = flag_value("--port", "MLFLOW_PORT")
        app, app_loc = flag_value("--app-name")
        backend, backend_loc = flag_value("--backend-store-uri", "MLFLOW_BACKEND_STORE_URI")
        allowed, allowed_loc = flag_value("--allowed-hosts", "MLFLOW_SERVER_ALLOWED_HOSTS")
        cors, cors_loc = flag_value("--cors-allowed-origins", "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS")
        dsm = by_name.get("--disable-security-middleware")
        dsm_env = env_values.get("MLFLOW_SERVER_DISABLE_SECURITY_MIDDLEWARE", "").lower()
        version = image_mlflow_version(image) if image else None
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
                "auth_enabled": app == "basic-auth" or bool(app and "auth" in app),
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
        looks_secret_name(name) and not ref and bool(value) and not is_uri and not points_to_file
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
def _from_yaml(
    path: str, text: str, docs: list[Node]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    lines = text.splitlines()
    servers: list[dict[str, Any]] = []
    envs: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    for doc in docs:
        if doc.kind != "map":
            continue
        services = doc.get("services")
        if services is not None and services.kind == "map":
            for name, svc in services.items():
                if svc.kind == "map":
                    _container(
                        path, "compose", name, svc, lines, servers, envs, versions, compose=True
                    )
            continue
        if doc.get("kind") is not None:
            for cname, container in _k8s_containers(doc):
                _container(
                    path,
                    "kubernetes",
                    cname,
                    container,
                    lines,
                    servers,
                    envs,
                    versions,
                    compose=False,
                )
    return servers, envs, versions


def _k8s_containers(doc: Node) -> Iterator[tuple[str, Node]]:
    kind = str(doc.value.get("kind", "")) if isinstance(doc.value, dict) else ""
    meta = doc.get("metadata")
    base = (
        str(meta.value.get("name", kind))
        if meta is not None and isinstance(meta.value, dict)
        else kind
    )
    for node in doc.walk():
        if node.kind != "map":
            continue
        for key in ("containers", "initContainers"):
            seq = node.get(key)
            if seq is not None and seq.kind == "seq":
                for c in seq.children:
                    if c.kind == "map":
                        cname = c.value.get("name", "") if isinstance(c.value, dict) else ""
                        yield f"{base}/{cname}" if cname else base, c


def _container(
    path: str,
    source: str,
    service: str,
    node: Node,
    lines: list[str],
    servers: list[dict[str, Any]],
    envs: list[dict[str, Any]],
    versions: list[dict[str, Any]],
    *,
    compose: bool,
) -> None:
    image_node = node.get("image")
    image = (
        str(image_node.value) if image_node is not None and image_node.kind == "scalar" else None
    )
    env_values: dict[str, str] = {}
    env_node = node.get("environment" if compose else "env")
    for name, value, span in _env_entries(env_node, compose):
        if value is not None:
            env_values[name] = value
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
    parts = ("entrypoint", "command") if compose else ("command", "args")
    tokens: list[str] = []
    first: Node | None = None
    last: Node | None = None
    for key in parts:
        part = node.get(key)
        if part is None:
            continue
        first = first or part
        last = part
        if part.kind == "seq":
            tokens.extend(str(c.value) for c in part.children)
        elif part.kind == "scalar" and part.value is not None:
            tokens.extend(split_shell(str(part.value)))
    if not tokens or first is None or last is None:
        return
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
        )
    )


def _env_entries(node: Node | None, compose: bool) -> Iterator[tuple[str, str | None, Span]]:
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
                name_node = item.get("name")
                value_node = item.get("value")
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


def _from_script(path: str, text: str, kind: str) -> list[dict[str, Any]]:
    lines = text.splitlines()
    servers: list[dict[str, Any]] = []
    for first, last, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or "mlflow" not in stripped:
            continue
        service = ""
        if kind == "systemd":
            key, sep, rest = stripped.partition("=")
            if not sep or key.strip() not in ("ExecStart", "ExecStartPre"):
                continue
            stripped = rest.lstrip("-@+!:")
        elif kind == "procfile":
            service, sep, rest = stripped.partition(":")
            if not sep:
                continue
            stripped = rest
        tokens = split_shell(stripped)
        fallback = Span(first, 1, last, len(lines[last - 1]) + 1)
        servers.extend(
            _server_fact(
                path=path,
                source=kind,
                service=service.strip(),
                tokens=tokens,
                locator=_Locator(lines, first, 1, last),
                fallback=fallback,
                image=None,
                image_span=None,
                env_values={},
            )
        )
    return servers


def _from_requirements(path: str, text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in _PIN.finditer(text):
        if m.group(1) not in ("==", "~=", "<=", "<"):
            continue
        line = text.count("\n", 0, m.start()) + 1
        version = m.group(2)
        out.append(
            {
                "version": version,
                "parts": version_parts(version),
                "source": "requirements",
                "operator": m.group(1),
                "image": None,
                "path": path,
                "loc": Span(line, 1, line, len(m.group(0).strip()) + 1).loc(path),
            }
        )
    return out


# ----------------------------------------------------------------- basic_auth.ini
def _auth_config(path: str, doc: IniDocument, ws: Workspace) -> dict[str, Any] | None:
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
        "admin_password_present": bool(pw_value) and env_reference(pw_value) is None,
        "admin_password_is_default": pw_value == DEFAULT_ADMIN_PASSWORD,
        "admin_password_loc": pw.key_span.loc(path) if pw else None,
        "database_uri": redact_uri(db.value) if db else None,
        "database_uri_has_password": bool(db and uri_has_password(db.value)),
        "database_uri_loc": db.key_span.loc(path) if db else None,
    }
