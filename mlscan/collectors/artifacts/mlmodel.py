"""MLflow ``MLmodel`` files and the environment files beside them, as facts.

Read as YAML data with positions (``mlscan.sourcemap``); nothing is imported or loaded.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import line_loc, notification
from mlscan.config import Limits
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Node, SourceError, Span, parse_yaml_documents
from mlscan.workspace import Workspace

SOURCE = "artifacts"
PICKLE_FORMATS = frozenset({"pickle", "cloudpickle"})
# flavor fields that name a file or folder inside the model directory
PATH_FIELDS = ("data", "model_path", "pickled_model", "python_model", "model_data", "code",
               "artifacts", "saved_model_dir", "model_file", "env")
# in the order MLflow's default (virtualenv) environment manager relies on them
ENV_FILES = ("requirements.txt", "python_env.yaml", "conda.yaml")
_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$")
_CONDA_PINNED = re.compile(r"^[A-Za-z0-9._-]+(?:::)?[A-Za-z0-9._-]*\s*==?\s*[0-9][^*,<>|]*$")


_USERINFO = re.compile(r"(://)[^/@\s]+@")


def redact(text: str) -> str:
    """Credentials in URLs (``https://user:token@host``) never reach the facts."""
    return _USERINFO.sub(r"\1***@", text)


def _loc(path: str, span: Span | None) -> dict[str, Any]:
    if span is None:
        return line_loc(path)
    return span.loc(path)


def _escapes(value: str) -> bool:
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", value):
        return True
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value):
        return False  # a URI, not a path inside the model directory
    norm = posixpath.normpath(value.replace("\\", "/"))
    return norm == ".." or norm.startswith("../")


def _path_values(field: str, node: Node) -> list[tuple[str, str, Node]]:
    """(field label, path value, node) for a flavor field; artifacts/env may be maps."""
    out: list[tuple[str, str, Node]] = []
    if node.kind == "scalar":
        if isinstance(node.value, str) and node.value:
            out.append((field, node.value, node))
    elif node.kind == "map":
        for key, child in node.items():
            if child.kind == "scalar" and isinstance(child.value, str) and child.value:
                out.append((f"{field}.{key}", child.value, child))
            elif child.kind == "map":
                sub = child.get("path")
                if sub is not None and isinstance(sub.value, str):
                    out.append((f"{field}.{key}.path", sub.value, sub))
    return out


def _deserialization(cfg: Node) -> tuple[str | None, Node | None]:
    """How the flavor restores its model (pickle/cloudpickle/None) and the deciding field."""
    fmt = cfg.get("serialization_format")
    if fmt is not None and isinstance(fmt.value, str) and fmt.value.lower() in PICKLE_FORMATS:
        return fmt.value.lower(), fmt
    for key, how in (("python_model", "cloudpickle"), ("cloudpickle_version", "cloudpickle"),
                     ("pickled_model", "pickle"), ("pickle_module_name", "pickle")):
        node = cfg.get(key)
        if node is not None and node.value is not None:
            return how, node
    return None, None


def _field_loc(path: str, node: Node | None) -> dict[str, Any]:
    """From the key to the end of the value (``serialization_format: cloudpickle``)."""
    if node is None:
        return _loc(path, None)
    start = node.key_span or node.span
    return Span(line=start.line, col=start.col, end_line=node.span.end_line,
                end_col=node.span.end_col).loc(path)


# an environment file beside the MLmodel: its text (requirements.txt) or its YAML documents
# (conda.yaml, python_env.yaml); None when there is none or mlscan rejected it
EnvLoader = Callable[[str], "str | list[Node] | None"]


def mlmodel_fact(
    ws: Workspace, rel: str, parsed: ParseCache
) -> tuple[dict[str, Any] | None, list[Notification]]:
    """The fact of the on-disk MLmodel file ``rel`` and its environment files. A file the
    parse cache rejected gives no fact (its one notification belongs to the cache)."""
    docs = parsed.yaml(rel)
    if docs is None:
        return None, []
    model_dir = str(PurePosixPath(rel).parent)

    def load_env(name: str) -> str | list[Node] | None:
        env = f"{model_dir}/{name}" if model_dir not in ("", ".") else name
        if not ws.exists(env):
            return None
        return parsed.text(env) if name == "requirements.txt" else parsed.yaml(env)

    return mlmodel_fact_from_docs(docs, rel, model_dir, load_env)


def mlmodel_fact_from_text(
    text: str,
    rel: str,
    model_dir: str,
    read_env: Callable[[str], str | None],
    limits: Limits | None = None,
) -> tuple[dict[str, Any] | None, list[Notification]]:
    """The fact of an MLmodel whose text is ``text``, shown at path ``rel`` (a logical
    path such as ``models:/credit/3/MLmodel`` for a registry model) in folder
    ``model_dir``. ``read_env(name)`` returns the text of an environment file beside it,
    or None when there is none (it may raise FileReadError)."""
    lim = limits or Limits()

    def parse(source: str) -> list[Node]:
        return parse_yaml_documents(source, lim.max_yaml_aliases, lim.max_nesting_depth)

    try:
        docs = parse(text)
    except SourceError as exc:
        return None, [notification(rel, f"MLmodel is not valid YAML: {exc}", SOURCE,
                                   line=getattr(exc, "line", None))]

    def load_env(name: str) -> str | list[Node] | None:
        env_text = read_env(name)
        if env_text is None or name == "requirements.txt":
            return env_text
        return parse(env_text)

    return mlmodel_fact_from_docs(docs, rel, model_dir, load_env)


def mlmodel_fact_from_docs(
    docs: list[Node], rel: str, model_dir: str, load_env: EnvLoader
) -> tuple[dict[str, Any] | None, list[Notification]]:
    """The fact of an MLmodel already parsed into ``docs``."""
    notes: list[Notification] = []
    if not docs or docs[0].kind != "map":
        return None, [notification(rel, "MLmodel is not a YAML mapping", SOURCE)]
    root = docs[0]
    flavors: list[dict[str, Any]] = []
    paths: list[dict[str, Any]] = []
    flav_node = root.get("flavors")
    if flav_node is not None and flav_node.kind == "map":
        for name, cfg in flav_node.items():
            if cfg.kind != "map":
                continue
            def scalar(key: str, cfg: Node = cfg) -> Any:
                n = cfg.get(key)
                return n.value if n is not None and n.kind == "scalar" else None
            how, deciding = _deserialization(cfg)
            flavors.append({
                "name": name,
                "loader_module": scalar("loader_module"),
                "serialization_format": scalar("serialization_format"),
                "python_model": scalar("python_model"),
                "pickled_model": scalar("pickled_model"),
                "pickle_module_name": scalar("pickle_module_name"),
                "deserialization": how,
                "deserialization_loc": _field_loc(rel, deciding),
                "loc": _loc(rel, cfg.key_span),
            })
            for field in PATH_FIELDS:
                node = cfg.get(field)
                if node is None:
                    continue
                for label, value, vnode in _path_values(field, node):
                    paths.append({"flavor": name, "field": label, "value": redact(value),
                                  "escapes": _escapes(value), "loc": _loc(rel, vnode.span)})
    sig = root.get("signature")
    sig_map = sig if sig is not None and sig.kind == "map" else None
    inputs = sig_map.get("inputs") if sig_map is not None else None
    outputs = sig_map.get("outputs") if sig_map is not None else None
    signature = {
        "present": sig_map is not None,
        "inputs": inputs is not None and inputs.value not in (None, "", "[]"),
        "outputs": outputs is not None and outputs.value not in (None, "", "[]"),
        "loc": _loc(rel, sig.key_span if sig is not None else None),
    }
    envs, env_notes = _env_files(load_env, model_dir)
    notes.extend(env_notes)
    fact = {
        "path": rel,
        "dir": model_dir,
        "flavors": sorted(flavors, key=lambda f: str(f["name"])),
        "signature": signature,
        "paths": sorted(paths, key=lambda p: (p["loc"]["line"] or 0, p["field"])),
        "env_files": envs,
        "loc": _loc(rel, None),
    }
    return fact, notes


# ------------------------------------------------------------------------- environments
def _pip_dep(spec: str) -> tuple[str, bool] | None:
    """(name, pinned) for a pip requirement line; None for options and includes."""
    spec = spec.split(" #", 1)[0].strip()
    if not spec or spec.startswith(("#", "-")):
        return None
    spec = spec.split(";", 1)[0].strip()
    if "@" in spec and "://" in spec:
        name = spec.split("@", 1)[0].strip()
        return name, "#sha256=" in spec or bool(re.search(r"@[0-9a-f]{40}\b", spec))
    m = _REQ_NAME.match(spec)
    if m is None:
        return None
    rest = m.group(3).replace(" ", "")
    pinned = (rest.startswith("==") and "*" not in rest and "," not in rest) or \
        rest.startswith("===")
    return m.group(1), pinned


def _dep(name: str, spec: str, pinned: bool, source: str, loc: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "spec": redact(spec), "pinned": pinned, "source": source, "loc": loc}


def _requirements(text: str, rel: str) -> list[dict[str, Any]]:
    deps = []
    for i, line in enumerate(text.splitlines(), start=1):
        parsed = _pip_dep(line)
        if parsed is None:
            continue
        spec = line.split(" #", 1)[0].strip()
        col = line.index(spec) + 1
        deps.append(_dep(parsed[0], spec, parsed[1], "pip",
                         {"path": rel, "line": i, "col": col, "end_line": i,
                          "end_col": col + len(spec)}))
    return deps


def _yaml_deps(root: Node, rel: str, kind: str) -> list[dict[str, Any]]:
    deps: list[dict[str, Any]] = []

    def pip_list(node: Node | None) -> None:
        if node is None or node.kind != "seq":
            return
        for item in node.children:
            if isinstance(item.value, str):
                parsed = _pip_dep(item.value)
                if parsed is not None:
                    deps.append(_dep(parsed[0], item.value, parsed[1], "pip",
                                     _loc(rel, item.span)))

    if kind == "conda.yaml":
        node = root.get("dependencies")
        if node is not None and node.kind == "seq":
            for item in node.children:
                if item.kind == "map":
                    pip_list(item.get("pip"))
                elif isinstance(item.value, str):
                    spec = item.value.strip()
                    name = re.split(r"[=<>!~ ]", spec.split("::")[-1], maxsplit=1)[0]
                    deps.append(_dep(name, spec, bool(_CONDA_PINNED.match(spec)), "conda",
                                     _loc(rel, item.span)))
    else:
        pip_list(root.get("build_dependencies"))
        pip_list(root.get("dependencies"))
    return deps


def _env_files(load_env: EnvLoader, model_dir: str
               ) -> tuple[list[dict[str, Any]], list[Notification]]:
    envs: list[dict[str, Any]] = []
    notes: list[Notification] = []
    for name in ENV_FILES:
        rel = f"{model_dir}/{name}" if model_dir not in ("", ".") else name
        try:
            loaded = load_env(name)
            if loaded is None:
                continue
            if isinstance(loaded, str):
                deps = _requirements(loaded, rel)
            else:
                deps = (_yaml_deps(loaded[0], rel, name)
                        if loaded and loaded[0].kind == "map" else [])
        except FileReadError as exc:
            notes.append(notification(rel, str(exc), SOURCE, "unreadable"))
            continue
        except SourceError as exc:
            notes.append(notification(rel, f"not valid YAML: {exc}", SOURCE,
                                      line=getattr(exc, "line", None)))
            continue
        envs.append({"path": rel, "kind": name, "dependencies": deps,
                     "loc": _loc(rel, None)})
    return envs, notes
