"""MLflow deployed with a Helm chart: the chart's values, wherever they are written.

The same ``mlflow.servers[]`` fact as a command line, from

* ``values*.yaml`` of the community chart (``community-charts/mlflow``: ``auth.enabled``,
  ``backendStore.*``, ``artifactRoot.*``, ``service.type``, ``ingress.enabled``) or the
  Bitnami chart (``bitnami/mlflow``: ``tracking.auth.enabled``, ``tracking.service.type``,
  ``externalDatabase.*``, ``externalS3.*``), at the top level or under the key of an umbrella
  chart's ``mlflow`` dependency;
* ``helm install|upgrade|template ... <chart with mlflow in its name> --set k=v`` lines in
  scripts, Makefiles and CI steps;
* ``helmfile.yaml`` releases of such a chart (inline ``values`` maps and ``set`` entries);
* Argo CD ``Application`` sources of such a chart (``helm.parameters``, ``helm.valuesObject``).

Values are reduced to a flat ``{dotted.key: (value, span)}`` view first, so every form is
read by one function. Chart defaults decide what an absent key means: the community chart
runs without authentication unless ``auth.enabled`` is true, the Bitnami chart enables it
unless ``tracking.auth.enabled`` is false. Literal passwords are never recorded.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.mlflow.cmd import (
    env_reference,
    image_mlflow_version,
    is_placeholder,
    placeholder_kind,
    split_shell,
)
from mlscan.sourcemap import Node, Span

Flat = dict[str, tuple[Any, Span]]

COMMUNITY_KEYS = ("backendStore", "artifactRoot", "auth")
BITNAMI_KEYS = ("tracking",)
_HELM_CMD = re.compile(r"\bhelm\s+(?:upgrade|install|template)\b")


@dataclass(frozen=True, kw_only=True)
class HelmValues:
    """One set of values given to an MLflow chart."""

    path: str
    source: str  # helm-values | helm-set | helmfile | argocd
    release: str
    chart: str | None  # the chart reference when the values name it
    flat: Flat
    root: Span
    app_version: str | None = None  # appVersion of the chart when it lives in the tree
    key_paths: Mapping[str, str] = field(default_factory=dict)  # keys read from another file


def _scalar(node: Node) -> Any:
    return node.value if node.kind == "scalar" else None


def flatten(node: Node, prefix: str = "", out: Flat | None = None) -> Flat:
    """``{a.b.c: (value, span)}`` for every scalar (and every list, as its node) of a map."""
    out = {} if out is None else out
    for key, child in node.items():
        dotted = f"{prefix}{key}"
        if child.kind == "map":
            flatten(child, dotted + ".", out)
        elif child.kind == "seq":
            out[dotted] = (child, child.key_span or child.span)
        else:
            out[dotted] = (child.value, child.span)
    return out


def flavour(flat: Flat, chart: str | None) -> str | None:
    """``bitnami``, ``community``, ``other`` (an MLflow chart whose defaults mlscan does not
    know: auth is unknown unless a value sets it), or None when the values do not configure
    an MLflow chart."""
    repo = str(flat.get("image.repository", ("", None))[0] or "").lower()
    ref = (chart or "").lower()
    tops = {k.split(".", 1)[0] for k in flat}
    bitnami_keys = any(k.startswith("tracking.") for k in flat)
    named = "mlflow" in repo or "mlflow" in ref or "tracking.auth.enabled" in flat
    if "bitnami" in ref or "bitnami/mlflow" in repo or (bitnami_keys and named):
        return "bitnami"
    if "community-charts" in ref or "burakince/mlflow" in repo:
        return "community"
    if tops & {"backendStore", "artifactRoot"} and ("auth" in tops or "mlflow" in ref + repo):
        return "community"  # the community chart's own key names
    if "mlflow" in repo or "mlflow" in ref:
        return "other"
    return None


def _expression(value: Any) -> bool:
    """A value written as an unresolved Terraform / Helm / shell expression."""
    return isinstance(value, str) and (
        "${" in value or "{{" in value or value.startswith("$") or is_placeholder(value)
    )


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _literal_password(value: Any) -> bool:
    if not isinstance(value, str) or not value:
        return False
    return env_reference(value) is None and not is_placeholder(value)


def server_facts(
    v: HelmValues,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(servers, auth_configs, versions) for one set of MLflow chart values."""
    kind = flavour(v.flat, v.chart)
    if kind is None:
        return [], [], []
    flat, path = v.flat, v.path
    bitnami = kind == "bitnami"

    def get(key: str) -> tuple[Any, dict[str, Any] | None]:
        entry = flat.get(key)
        where = v.key_paths.get(key, path)
        return (entry[0], entry[1].loc(where)) if entry is not None else (None, None)

    auth_key = "tracking.auth.enabled" if bitnami else "auth.enabled"
    if kind == "other" and auth_key not in flat and "tracking.auth.enabled" in flat:
        auth_key = "tracking.auth.enabled"
    auth_raw, auth_loc = get(auth_key)
    auth_value = _bool(auth_raw)
    auth_enabled: bool | None = auth_value if auth_value is not None else bitnami
    if auth_value is None and kind == "other":
        auth_enabled = None  # the chart's default is unknown
    if auth_value is None and _expression(auth_raw):
        auth_enabled = None  # set by a variable or template mlscan does not evaluate
    svc_key = "tracking.service.type" if bitnami else "service.type"
    svc_type, svc_loc = get(svc_key)
    ing_key = "tracking.ingress.enabled" if bitnami else "ingress.enabled"
    ing_raw, _ = get(ing_key)
    port_raw, _ = get("tracking.service.ports.http" if bitnami else "service.port")
    repo, _ = get("image.repository")
    tag, tag_loc = get("image.tag")
    image = f"{repo}:{tag}" if repo and tag else (str(repo) if repo else None)
    version = image_mlflow_version(image) if image else None
    mlflow_repo = repo is None or "mlflow" in str(repo)
    if version is None and isinstance(tag, str | int | float) and mlflow_repo:
        version = image_mlflow_version(f"mlflow:{tag}")
    versions: list[dict[str, Any]] = []
    if version and tag_loc is not None:
        versions.append(_version(version, "helm-values", image, path, tag_loc))
    elif v.app_version and (tag is None or tag == ""):
        version = image_mlflow_version(f"mlflow:{v.app_version}")

    backend, backend_loc, backend_setting, has_pw = _backend(flat, path, bitnami)
    artifact_root = _artifact_root(flat, bitnami)
    proxied, _ = get("artifactRoot.proxiedArtifactStorage")
    root_loc = auth_loc or v.root.loc(path)
    server = {
        "kind": "server",
        "source": v.source,
        "path": path,
        "service": v.release,
        "loc": root_loc,
        "command": None,
        "image": image,
        "image_loc": tag_loc,
        "mlflow_version": version,
        "mlflow_version_parts": _parts(version) if version else None,
        "host": "0.0.0.0",  # noqa: S104 - both charts start the server on every interface of the pod
        "host_loc": None,
        "host_explicit": False,
        "port": str(port_raw) if port_raw is not None else None,
        "auth_app": "basic-auth" if auth_enabled else None,
        "auth_app_loc": auth_loc,
        "auth_enabled": auth_enabled,
        "auth_setting": auth_key,
        "auth_setting_value": auth_value,
        "auth_setting_loc": auth_loc,
        "chart": kind,
        "chart_ref": v.chart,
        "service_type": str(svc_type) if svc_type is not None else (
            "LoadBalancer" if bitnami else "ClusterIP"
        ),
        "service_type_loc": svc_loc,
        "ingress_enabled": bool(_bool(ing_raw)),
        "serve_artifacts": _bool(proxied),
        "artifacts_destination": None,
        "default_artifact_root": artifact_root,
        "backend_store_uri": backend,
        "backend_store_uri_has_password": has_pw,
        "backend_store_uri_loc": backend_loc,
        "backend_store_uri_setting": backend_setting,
        "allowed_hosts": None,
        "allowed_hosts_loc": None,
        "cors_allowed_origins": None,
        "cors_allowed_origins_loc": None,
        "disable_security_middleware": False,
        "disable_security_middleware_loc": None,
        "flags": [
            {"name": key, "value": _shown(key, val), "env_reference": None, "loc": span.loc(path)}
            for key, (val, span) in sorted(flat.items(), key=lambda kv: (kv[1][1].line, kv[0]))
            if not isinstance(val, Node)
        ],
    }
    auths: list[dict[str, Any]] = []
    pw_key = "tracking.auth.password" if bitnami else "auth.adminPassword"
    perm_key = None if bitnami else "auth.defaultPermission"
    if auth_enabled and (pw_key in flat or (perm_key and perm_key in flat)):
        pw, pw_loc = get(pw_key)
        perm, perm_loc = get(perm_key) if perm_key else (None, None)
        user, _ = get("tracking.auth.username" if bitnami else "auth.adminUsername")
        pw_text = str(pw) if pw is not None else ""
        auths.append(
            {
                "path": path,
                "loc": root_loc,
                "source": v.source,
                "tracked_by_git": None,
                "git_ignored": False,
                "default_permission": str(perm).upper() if perm else None,
                "default_permission_loc": perm_loc,
                "admin_username": str(user) if user is not None else None,
                "admin_password_present": _literal_password(pw_text),
                "admin_password_placeholder": bool(pw_text) and is_placeholder(pw_text),
                "admin_password_placeholder_kind": placeholder_kind(pw_text) if pw_text else None,
                "admin_password_is_default": pw_text == "password1234",
                "admin_password_loc": pw_loc,
                "database_uri": None,
                "database_uri_has_password": False,
                "database_uri_loc": None,
            }
        )
    return [server], auths, versions


def _shown(key: str, value: Any) -> Any:
    if re.search(r"(password|secret|token|key)$", key, re.I) and value not in (None, ""):
        return "***"
    return value


def _parts(version: str) -> list[int]:
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]]
    return parts + [0] * (3 - len(parts))


def _version(
    version: str, source: str, image: str | None, path: str, loc: dict[str, Any]
) -> dict[str, Any]:
    return {
        "version": version,
        "parts": _parts(version),
        "source": source,
        "image": image,
        "path": path,
        "loc": loc,
    }


def _backend(
    flat: Flat, path: str, bitnami: bool
) -> tuple[str | None, dict[str, Any] | None, str | None, bool]:
    """(redacted URI, loc of the password or host, setting holding the password, literal?)"""
    prefixes = (
        [("externalDatabase.", "postgresql")]
        if bitnami
        else [("backendStore.postgres.", "postgresql"), ("backendStore.mysql.", "mysql")]
    )
    for prefix, scheme in prefixes:
        host = flat.get(prefix + "host")
        if host is None or not host[0]:
            continue
        db = flat.get(prefix + "database")
        user = flat.get(prefix + "user") or flat.get(prefix + "username")
        pw = flat.get(prefix + "password")
        literal = pw is not None and _literal_password(pw[0])
        userinfo = f"{user[0]}:***@" if user and pw and pw[0] else (f"{user[0]}@" if user else "")
        uri = f"{scheme}://{userinfo}{host[0]}/{db[0] if db else ''}"
        loc = (pw[1] if pw is not None and literal else host[1]).loc(path)
        return uri, loc, (prefix + "password") if literal else None, literal
    if not bitnami:
        fp = flat.get("backendStore.filepath")
        if fp is not None and fp[0]:
            return str(fp[0]), fp[1].loc(path), None, False
    return None, None, None, False


def _artifact_root(flat: Flat, bitnami: bool) -> str | None:
    if bitnami:
        bucket = flat.get("externalS3.bucket")
        return f"s3://{bucket[0]}" if bucket and bucket[0] else None
    for store, scheme in (("s3", "s3"), ("gcs", "gs")):
        enabled = flat.get(f"artifactRoot.{store}.enabled")
        bucket = flat.get(f"artifactRoot.{store}.bucket")
        if bucket and bucket[0] and (enabled is None or _bool(enabled[0])):
            sub = flat.get(f"artifactRoot.{store}.path")
            return f"{scheme}://{bucket[0]}" + (f"/{sub[0]}" if sub and sub[0] else "")
    root = flat.get("artifactRoot.defaultArtifactRoot")
    return str(root[0]) if root and root[0] else None


# ------------------------------------------------------------------ where values live
def values_roots(doc: Node, aliases: tuple[str, ...]) -> Iterator[tuple[str, Node]]:
    """(release name, values map) of a values file: the file itself, or the subtree of an
    umbrella chart's MLflow dependency."""
    yield "", doc
    for alias in aliases:
        sub = doc.get(alias)
        if sub is not None and sub.kind == "map":
            yield alias, sub


def set_pairs(tokens: list[str]) -> list[tuple[str, str]]:
    """``--set a=b,c=d`` / ``--set-string`` pairs of a helm command line."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        value: str | None = None
        if tok in ("--set", "--set-string"):
            value = tokens[i + 1] if i + 1 < len(tokens) else None
            i += 1
        elif tok.startswith(("--set=", "--set-string=")):
            value = tok.split("=", 1)[1]
        if value:
            for part in re.split(r",(?=[A-Za-z0-9_.\[\]-]+=)", value):
                key, sep, val = part.partition("=")
                if sep:
                    out.append((key.strip(), val))
        i += 1
    return out


def helm_command_values(path: str, text: str, source: str = "helm-set") -> list[HelmValues]:
    """Every ``helm install|upgrade|template`` of an MLflow chart in a script-like text."""
    out: list[HelmValues] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        start = i
        buf = lines[i]
        while buf.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            buf = buf.rstrip()[:-1] + " " + lines[i]
        i += 1
        if "helm" not in buf or not _HELM_CMD.search(buf) or "mlflow" not in buf.lower():
            continue
        if buf.lstrip().startswith(("#", "//")):
            continue  # a commented-out command runs nothing
        tokens = split_shell(buf[_HELM_CMD.search(buf).start():])  # type: ignore[union-attr]
        positional = [t for t in tokens[2:] if not t.startswith("-")]
        sets = set_pairs(tokens)
        chart = next((t for t in positional[:2] if "mlflow" in t.lower()), None)
        if chart is None:
            continue
        flat: Flat = {}
        for key, val in sets:
            ln, col = _find(lines, start, i, f"{key}=")
            typed: Any = _bool(val) if _bool(val) is not None else val
            flat[key] = (typed, Span(ln, col, ln, col + len(key) + 1 + len(val)))
        release = positional[0] if len(positional) > 1 else ""
        col = lines[start].find("helm") + 1
        out.append(
            HelmValues(
                path=path,
                source=source,
                release=release,
                chart=chart,
                flat=flat,
                root=Span(start + 1, max(col, 1), start + 1, len(lines[start]) + 1),
            )
        )
    return out


def _find(lines: list[str], start: int, end: int, needle: str) -> tuple[int, int]:
    for ln in range(start, min(end, len(lines))):
        idx = lines[ln].find(needle)
        if idx >= 0:
            return ln + 1, idx + 1
    return start + 1, 1


def _set_entries(node: Node | None, name_key: str = "name") -> Flat:
    flat: Flat = {}
    if node is None or node.kind != "seq":
        return flat
    for item in node.children:
        if item.kind != "map":
            continue
        name = item.get_str(name_key)
        value = item.get("value")
        if name and value is not None:
            raw = _scalar(value)
            typed = _bool(raw) if _bool(raw) is not None else raw
            flat[name] = (typed, value.span)
    return flat


def helmfile_values(path: str, doc: Node) -> list[HelmValues]:
    """Releases of an MLflow chart in a helmfile."""
    out: list[HelmValues] = []
    releases = doc.get("releases")
    if releases is None or releases.kind != "seq":
        return out
    for rel in releases.children:
        if rel.kind != "map":
            continue
        chart = rel.get_str("chart") or ""
        if "mlflow" not in chart.lower():
            continue
        flat: Flat = {}
        values = rel.get("values")
        for item in values.children if values is not None and values.kind == "seq" else []:
            if item.kind == "map":
                flatten(item, "", flat)
        flat.update(_set_entries(rel.get("set")))
        out.append(
            HelmValues(
                path=path,
                source="helmfile",
                release=rel.get_str("name") or "",
                chart=chart,
                flat=flat,
                root=rel.span,
            )
        )
    return out


ParseValues = Callable[[str], "Node | None"]


def _embedded_values(node: Node, parse_values: ParseValues) -> Flat:
    """A YAML document written as a string (Argo CD ``helm.values: |``), with its keys'
    positions moved to where the block is written in the file."""
    doc = parse_values(str(node.value))
    if doc is None or doc.kind != "map":
        return {}
    # a block scalar starts on the line after its key; a quoted string on the key's line
    first = node.span.line + (1 if node.span.line < node.span.end_line else 0)
    out: Flat = {}
    for key, (value, span) in flatten(doc).items():
        line = span.line + first - 1
        out[key] = (value, Span(line, span.col, line + span.end_line - span.line, span.end_col))
    return out


def argocd_values(
    path: str, doc: Node, parse_values: ParseValues | None = None
) -> list[HelmValues]:
    """Argo CD Application sources that install an MLflow chart: ``helm.values`` (a YAML
    string), ``helm.valuesObject`` and ``helm.parameters``, later ones winning as in Argo."""
    if doc.get_str("kind") != "Application":
        return []
    spec = doc.get("spec")
    if spec is None or spec.kind != "map":
        return []
    sources = [s for s in [spec.get("source")] if s is not None]
    multi = spec.get("sources")
    if multi is not None and multi.kind == "seq":
        sources.extend(multi.children)
    meta = doc.get("metadata")
    name = (meta.get_str("name") if meta is not None else None) or ""
    out: list[HelmValues] = []
    for src in sources:
        if src.kind != "map":
            continue
        chart = src.get_str("chart") or src.get_str("path") or ""
        repo = src.get_str("repoURL") or ""
        if "mlflow" not in chart.lower() and "mlflow" not in repo.lower():
            continue
        helm = src.get("helm")
        flat: Flat = {}
        if helm is not None and helm.kind == "map":
            text = helm.get("values")
            if text is not None and isinstance(text.value, str) and parse_values is not None:
                flat.update(_embedded_values(text, parse_values))
            obj = helm.get("valuesObject")
            if obj is not None and obj.kind == "map":
                flatten(obj, "", flat)
            flat.update(_set_entries(helm.get("parameters")))
        out.append(
            HelmValues(
                path=path,
                source="argocd",
                release=name,
                chart=f"{repo} {chart}".strip(),
                flat=flat,
                root=src.span,
            )
        )
    return out


def terraform_releases(
    path: str,
    text: str,
    doc: dict[str, Any],
    load_yaml: ParseValues | None = None,
    locals_: Mapping[str, Any] | None = None,
) -> list[HelmValues]:
    """``helm_release`` resources (and modules wrapping one) that install an MLflow chart:
    ``values = [...]`` entries given as ``templatefile(...)`` / ``file(...)`` of a YAML file
    (read with ``load_yaml``; keys keep that file's positions), ``yamlencode(local.x)``
    (``locals_``) or ``yamlencode({...})``, then the literal ``set`` entries, later ones
    winning as in Helm. Values mlscan cannot read stay unknown; the chart defaults apply."""
    lines = text.splitlines()
    out: list[HelmValues] = []
    candidates: list[tuple[str, dict[str, Any]]] = []
    for block in doc.get("resource") or []:
        for name, body in (block.get("helm_release") or {}).items():
            candidates.append((f"helm_release.{name}", body))
    for block in doc.get("module") or []:
        for name, body in block.items():
            candidates.append((f"module.{name}", body))
    for address, body in candidates:
        if not isinstance(body, dict):
            continue
        chart = _first(body.get("chart"))
        repo = _first(body.get("repository"))
        if not isinstance(chart, str) or "mlflow" not in f"{chart} {repo or ''}".lower():
            continue
        start = int(body.get("__start_line__", 1))
        end = min(int(body.get("__end_line__", start)), len(lines))
        chart_line = next(
            (n for n in range(start, end + 1) if re.match(r"\s*chart\s*=", lines[n - 1])), start
        )
        flat: Flat = {}
        key_paths: dict[str, str] = {}
        folder = posixpath.dirname(path)
        for item in _values_list(body.get("values")):
            from_file = _FILE_CALL.match(item)
            if from_file is not None and load_yaml is not None:
                rel = _module_path(folder, from_file.group(2))
                node = load_yaml(rel)
                if node is not None and node.kind == "map":
                    more = flatten(node)
                    flat.update(more)
                    key_paths.update(dict.fromkeys(more, rel))
                continue
            encoded = _YAMLENCODE.match(item)
            if encoded is None:
                continue
            inner = encoded.group(1).strip()
            value: Any = None
            anchor = start
            if inner.startswith("local.") and locals_ is not None:
                value = locals_.get(inner[len("local.") :])
                anchor = _local_line(lines, inner[len("local.") :]) or start
            else:
                try:
                    value = ast.literal_eval(inner)  # python-hcl2 renders literals as Python
                except (ValueError, SyntaxError, MemoryError, RecursionError):
                    value = None
            if isinstance(value, dict):
                for key, (v, span) in _dict_flat(value, lines, anchor).items():
                    flat[key] = (v, span)
                    key_paths.pop(key, None)
        sets = body.get("set")
        for entry in sets if isinstance(sets, list) else []:
            items = entry if isinstance(entry, list) else [entry]
            for item in items:
                if not isinstance(item, dict):
                    continue
                key, value = _first(item.get("name")), _first(item.get("value"))
                if isinstance(key, str) and isinstance(value, str | bool | int):
                    ln, col = _find(lines, start - 1, end, f'"{key}"')
                    typed = _bool(value) if _bool(value) is not None else value
                    flat[key.replace("\\\\.", ".")] = (typed, Span(ln, col, ln, col + len(key) + 2))
        out.append(
            HelmValues(
                path=path,
                source="terraform-helm",
                release=str(_first(body.get("name")) or address),
                chart=f"{repo} {chart}".strip() if repo else chart,
                flat=flat,
                root=Span(chart_line, 1, chart_line, len(lines[chart_line - 1]) + 1),
                key_paths=key_paths,
            )
        )
    return out


_FILE_CALL = re.compile(r'^\$\{(templatefile|file)\(\s*"([^"]+)"')
_YAMLENCODE = re.compile(r"^\$\{yamlencode\((.*)\)\}$", re.S)


def _values_list(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, list):
            out.extend(str(i) for i in item if isinstance(i, str))
        elif isinstance(item, str):
            out.append(item)
    return out


def _module_path(folder: str, written: str) -> str:
    """``${path.module}/values.yaml`` (or a relative path) -> a path in the scan."""
    rel = re.sub(r"^\$\{path\.(module|root|cwd)\}/?", "", written)
    return posixpath.normpath(posixpath.join(folder, rel)) if folder else posixpath.normpath(rel)


def _local_line(lines: list[str], name: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
    return next((n for n, line in enumerate(lines, start=1) if pattern.match(line)), None)


def _dict_flat(value: dict[str, Any], lines: list[str], anchor: int) -> Flat:
    """A Terraform object literal as flat values; each key is found by walking its path
    down from ``anchor`` (the local or the release), so a finding points at the key."""
    out: Flat = {}

    def walk(node: dict[str, Any], prefix: str, line: int) -> None:
        for key, child in node.items():
            found = line
            pattern = re.compile(rf"""^\s*"?{re.escape(str(key))}"?\s*[=:]""")
            for n in range(line, len(lines) + 1):
                if pattern.match(lines[n - 1]):
                    found = n
                    break
            dotted = f"{prefix}{key}"
            if isinstance(child, dict):
                walk(child, dotted + ".", found)
            else:
                text = lines[found - 1] if 0 < found <= len(lines) else ""
                col = len(text) - len(text.lstrip()) + 1
                out[dotted] = (child, Span(found, col, found, len(text) + 1))

    walk(value, "", anchor)
    return out


def _first(value: Any) -> Any:
    """python-hcl2 wraps attribute values in one-element lists."""
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict):
        return value[0]
    return value
