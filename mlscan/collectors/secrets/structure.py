"""Where a secret is used: compose interpolation sites, Kubernetes ``secretKeyRef`` and
Helm ``.Values`` references, and the context of a secret written in a structured file
(compose service, Kubernetes Secret key, Helm values path). Facts only; the link stage
(``link.py``) joins them and Rego names what is unlocked."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import line_loc
from mlscan.sourcemap import Node

_VAR = re.compile(r"(?<!\$)\$(?:\{(\w+)(?:[:?+\-][^}]*)?\}|(\w+))")
_FLAG = re.compile(r"--([A-Za-z][\w-]*)[\s=]+\S*$")
_USERINFO = re.compile(r"[a-z][a-z0-9+.\-]*://([^/\s@]*)$", re.I)
_VALUES = re.compile(r"\.Values\.([\w.]+)")
_ENV_NAME = re.compile(r"^\s*-?\s*name:\s*[\"']?([\w.\-]+)")


def _norm(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _dir(rel: str) -> str:
    parent = PurePosixPath(rel).parent.as_posix()
    return "" if parent == "." else parent


def _join(base: str, rel: str) -> str:
    return _norm(f"{base}/{rel}" if base else rel)


def _strings(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if node.kind == "seq":
        return [n for n in node.children if isinstance(n.value, str)]
    return [node] if isinstance(node.value, str) else []


def _env_items(node: Node | None) -> list[tuple[str, Node]]:
    """(name, value node) of a compose ``environment`` map or ``KEY=value`` list."""
    out: list[tuple[str, Node]] = []
    if node is None:
        return out
    if node.kind == "map":
        return [(k, v) for k, v in node.items()]
    for item in node.children:
        if isinstance(item.value, str) and "=" in item.value:
            out.append((item.value.split("=", 1)[0].strip(), item))
    return out


def _uses(text: str) -> list[tuple[str, str | None, str | None]]:
    """(variable, preceding --flag, 'password'|'user' when inside a URI's userinfo)."""
    out = []
    for m in _VAR.finditer(text):
        var = m.group(1) or m.group(2)
        before = text[: m.start()]
        flag = _FLAG.search(before + "x")
        userinfo = _USERINFO.search(before)
        part = None
        if userinfo is not None:
            part = "password" if ":" in userinfo.group(1) else "user"
        out.append((var, flag.group(1) if flag else None, part))
    return out


def _exact_loc(rel: str, node: Node, var: str, lines: list[str]) -> dict[str, Any]:
    """The line of ``$VAR`` / ``${VAR`` inside a (possibly folded, multi-line) scalar."""
    token = re.compile(r"\$\{?" + re.escape(var) + r"\b")
    for line_no in range(node.span.line, min(node.span.end_line, len(lines)) + 1):
        m = token.search(lines[line_no - 1])
        if m is not None:
            return line_loc(rel, line_no, m.start() + 1, m.end() + 1)
    return node.span.loc(rel)


def compose(
    rel: str, docs: list[Node], lines: list[str]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """Interpolation references of a compose file, and the service context of each line
    that holds an environment value or a command (for secrets written in place)."""
    refs: list[dict[str, Any]] = []
    context: dict[int, dict[str, Any]] = {}
    base = _dir(rel)
    for doc in docs:
        services = doc.get("services") if doc.kind == "map" else None
        if services is None or services.kind != "map":
            continue
        for service, svc in services.items():
            if svc.kind != "map":
                continue
            image = svc.get_str("image") or ""
            env_files = [_join(base, ".env")]
            env_files += [_join(base, n.value) for n in _strings(svc.get("env_file"))]
            env_file_node = svc.get("env_file")
            if env_file_node is not None and env_file_node.kind == "seq":
                for item in env_file_node.children:
                    p = item.get_str("path") if item.kind == "map" else None
                    if p:
                        env_files.append(_join(base, p))
            sites: list[tuple[str, str | None, Node]] = [
                (name, name, node) for name, node in _env_items(svc.get("environment"))
            ]
            for key in ("command", "entrypoint"):
                sites += [(key, None, n) for n in _strings(svc.get(key))]
            for target, env, node in sites:
                text = node.value if isinstance(node.value, str) else ""
                ctx = {
                    "kind": "compose",
                    "file": rel,
                    "service": service,
                    "image": image,
                    "env": env,
                    "option": None,
                    "uri_part": None,
                }
                context.setdefault(node.span.line, ctx)
                for line_no in range(node.span.line, node.span.end_line + 1):
                    context.setdefault(line_no, ctx)
                for var, flag, part in _uses(text):
                    refs.append(
                        {
                            "kind": "compose",
                            "var": var,
                            "file": rel,
                            "env_files": sorted(set(env_files)),
                            "target": {**ctx, "option": flag, "uri_part": part, "target": target},
                            "loc": _exact_loc(rel, node, var, lines),
                        }
                    )
    return refs, context


def kubernetes(
    rel: str, docs: list[Node]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """``secretKeyRef`` / ``secretRef`` references of workloads, and the Secret name and key
    of each line of a ``kind: Secret`` document's ``data`` / ``stringData``."""
    refs: list[dict[str, Any]] = []
    context: dict[int, dict[str, Any]] = {}
    for doc in docs:
        if doc.kind != "map":
            continue
        kind = doc.get_str("kind") or ""
        meta = doc.get("metadata")
        name = (meta.get_str("name") if meta is not None and meta.kind == "map" else None) or ""
        if kind == "Secret":
            for section in ("data", "stringData"):
                data = doc.get(section)
                if data is None or data.kind != "map":
                    continue
                for key, value in data.items():
                    for line_no in range(value.span.line, value.span.end_line + 1):
                        context[line_no] = {
                            "kind": "k8s-secret",
                            "file": rel,
                            "secret_name": name,
                            "secret_key": key,
                        }
            continue
        for node in doc.walk():
            if node.kind != "map" or node.get("image") is None:
                continue
            image = node.get_str("image") or ""
            container = node.get_str("name") or ""
            here = {
                "kind": "k8s",
                "file": rel,
                "service": name or container,
                "workload_kind": kind,
                "image": image,
                "env": None,
                "option": None,
                "uri_part": None,
                "target": None,
            }
            env_list = node.get("env")
            for item in (
                env_list.children if env_list is not None and env_list.kind == "seq" else []
            ):
                env_value = item.get("value") if item.kind == "map" else None
                if env_value is not None and isinstance(env_value.value, str):
                    env = item.get_str("name")
                    context[env_value.span.line] = {**here, "env": env, "target": env}
            for field in ("command", "args"):
                flag = None
                for item in _strings(node.get(field)):
                    text = item.value
                    if flag is not None:
                        context[item.span.line] = {**here, "option": flag, "target": field}
                    flag = text[2:] if text.startswith("--") and "=" not in text else None
            for field in ("env", "envFrom"):
                items = node.get(field)
                for item in items.children if items is not None and items.kind == "seq" else []:
                    if item.kind != "map":
                        continue
                    ref = _secret_ref(item)
                    if ref is None:
                        continue
                    secret_name, secret_key = ref
                    refs.append(
                        {
                            "kind": "k8s",
                            "secret_name": secret_name,
                            "secret_key": secret_key,
                            "file": rel,
                            "target": {
                                "kind": "k8s",
                                "file": rel,
                                "service": name or container,
                                "workload_kind": kind,
                                "image": image,
                                "env": item.get_str("name"),
                                "option": None,
                                "uri_part": None,
                                "target": item.get_str("name") or "envFrom",
                            },
                            "loc": item.span.loc(rel),
                        }
                    )
    return refs, context


def _secret_ref(item: Node) -> tuple[str, str | None] | None:
    value_from = item.get("valueFrom")
    if value_from is not None and value_from.kind == "map":
        ref = value_from.get("secretKeyRef")
        if ref is not None and ref.kind == "map" and ref.get_str("name"):
            return ref.get_str("name") or "", ref.get_str("key")
    ref = item.get("secretRef")
    if ref is not None and ref.kind == "map" and ref.get_str("name"):
        return ref.get_str("name") or "", None
    return None


def yaml_paths(docs: list[Node]) -> dict[int, str]:
    """The dotted key path of every scalar line of a values file (``minio.rootPassword``)."""
    out: dict[int, str] = {}

    def walk(node: Node, prefix: str) -> None:
        if node.kind == "map":
            for key, child in node.items():
                walk(child, f"{prefix}.{key}" if prefix else key)
        elif node.kind != "seq" and prefix:
            out.setdefault(node.span.line, prefix)

    for doc in docs:
        walk(doc, "")
    return out


def helm_template(rel: str, text: str) -> list[dict[str, Any]]:
    """``.Values.a.b`` references of a chart template, with the env variable they feed."""
    parts = PurePosixPath(rel).parts
    if "templates" not in parts:
        return []
    chart = "/".join(parts[: parts.index("templates")])
    refs: list[dict[str, Any]] = []
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for m in _VALUES.finditer(line):
            env = None
            for back in range(i, max(-1, i - 3), -1):
                found = _ENV_NAME.match(lines[back])
                if found is not None:
                    env = found.group(1)
                    break
            refs.append(
                {
                    "kind": "helm",
                    "chart": chart,
                    "values_path": m.group(1),
                    "file": rel,
                    "target": {
                        "kind": "helm",
                        "file": rel,
                        "service": chart.rsplit("/", 1)[-1] or chart,
                        "image": "",
                        "env": env,
                        "option": None,
                        "uri_part": None,
                        "target": env or m.group(1),
                    },
                    "loc": line_loc(rel, i + 1, m.start() + 1, m.end() + 1),
                }
            )
    return refs
