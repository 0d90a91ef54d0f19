"""Model, dataset and code pulls in Python (files and notebook cells), found with ``ast``.

Each call of a known loader becomes a fact with what decides whether the pull is pinned:
the model or dataset reference (a literal, a module-level constant resolved, or
``null`` with ``reference_kind: expression``), the ``revision`` argument (literal or
expression), ``trust_remote_code``, ``pretrained``, a download URL and whether a hash is
checked. Facts only: rego/controls/supply_chain decides.
"""

from __future__ import annotations

import ast
from typing import Any

from mlscan.collectors.base import line_loc
from mlscan.collectors.python_imports import import_aliases

# canonical call (import-resolved dotted name) -> loader kind; attribute calls named
# ``from_pretrained`` are recognised whatever the class (transformers, diffusers, peft, ...).
LOADERS: dict[str, str] = {
    "huggingface_hub.hf_hub_download": "hf_hub_download",
    "huggingface_hub.snapshot_download": "snapshot_download",
    "huggingface_hub.file_download.hf_hub_download": "hf_hub_download",
    "transformers.pipeline": "pipeline",
    "datasets.load_dataset": "load_dataset",
    "sentence_transformers.SentenceTransformer": "sentence_transformer",
    "sentence_transformers.CrossEncoder": "sentence_transformer",
    "timm.create_model": "timm",
    "torch.hub.load": "torch_hub",
    "open_clip.create_model_and_transforms": "open_clip",
    "open_clip.create_model": "open_clip",
    "open_clip.create_model_from_pretrained": "open_clip",
    "torch.hub.load_state_dict_from_url": "url_download",
    "torch.hub.download_url_to_file": "url_download",
    "torch.utils.model_zoo.load_url": "url_download",
    "urllib.request.urlretrieve": "url_download",
    "wget.download": "url_download",
    "keras.utils.get_file": "url_download",
    "tensorflow.keras.utils.get_file": "url_download",
}
# where the model / dataset reference is: (keyword, position)
_REFERENCE_ARG: dict[str, tuple[str, int | None]] = {
    "from_pretrained": ("pretrained_model_name_or_path", 0),
    "hf_hub_download": ("repo_id", 0),
    "snapshot_download": ("repo_id", 0),
    "pipeline": ("model", 1),
    "load_dataset": ("path", 0),
    "sentence_transformer": ("model_name_or_path", 0),
    "timm": ("model_name", 0),
    "torch_hub": ("repo_or_dir", 0),
    "open_clip": ("model_name", 0),
    "url_download": ("url", 0),
}
_HASH_ARGS = ("check_hash", "hash_prefix", "file_hash", "md5", "sha256")
_VERIFY_CALLS = ("model_signing", "sigstore", "hashlib", "verify", "checksum")
_DOWNLOAD_KINDS = frozenset(
    {
        "from_pretrained",
        "hf_hub_download",
        "snapshot_download",
        "pipeline",
        "url_download",
        "torch_hub",
        "sentence_transformer",
    }
)


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    base = names.get(node.id)
    if base is None:
        return None
    return ".".join([base, *reversed(parts)])


def _constants(tree: ast.Module) -> dict[str, str]:
    """Names assigned exactly once, anywhere in the module, to a string literal."""
    seen: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                seen.setdefault(target.id, []).append(node.value)
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.value is not None
        ):
            seen.setdefault(node.target.id, []).append(node.value)
    return {
        name: values[0].value
        for name, values in seen.items()
        if len(values) == 1
        and isinstance(values[0], ast.Constant)
        and isinstance(values[0].value, str)
    }


_CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def _subscripts(node: ast.expr) -> tuple[ast.expr, list[str]] | None:
    """(base, [key, ...]) of ``base["a"]["b"]`` with string keys only."""
    keys: list[str] = []
    while isinstance(node, ast.Subscript):
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        keys.append(key.value)
        node = node.value
    return node, list(reversed(keys))


def _param_sources(tree: ast.Module) -> dict[str, tuple[str, list[str]]]:
    """Names bound once to a parsed parameter file: ``params = yaml.safe_load(
    open("params.yaml"))["train"]`` or ``params = dvc.api.params_show()`` ->
    {"params": ("params.yaml", ["train"])}."""
    seen: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                seen.setdefault(target.id, []).append(node.value)
    out: dict[str, tuple[str, list[str]]] = {}
    for name, values in seen.items():
        if len(values) != 1:
            continue
        found = _subscripts(values[0])
        if found is None:
            continue
        base, keys = found
        if not isinstance(base, ast.Call):
            continue
        func = base.func
        if isinstance(func, ast.Attribute) and func.attr == "params_show":
            out[name] = ("params.yaml", keys)
            continue
        files = [
            n.value
            for n in ast.walk(base)
            if isinstance(n, ast.Constant)
            and isinstance(n.value, str)
            and n.value.endswith(_CONFIG_SUFFIXES)
        ]
        if len(files) == 1:
            out[name] = (files[0], keys)
    return out


def _argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and len(call.args) > position:
        arg = call.args[position]
        if not isinstance(arg, ast.Starred):
            return arg
    return None


def _param(
    node: ast.expr | None, params: dict[str, tuple[str, list[str]]]
) -> dict[str, Any] | None:
    """Where a ``params["key"]`` argument reads its value: {file, keys}."""
    if node is None:
        return None
    found = _subscripts(node)
    if found is None:
        return None
    base, keys = found
    if not keys or not isinstance(base, ast.Name) or base.id not in params:
        return None
    file, outer = params[base.id]
    return {"file": file, "keys": [*outer, *keys]}


def _value(node: ast.expr | None, consts: dict[str, str]) -> tuple[Any, str]:
    """(value, kind): kind is ``absent``, ``literal``, ``constant`` or ``expression``."""
    if node is None:
        return None, "absent"
    if isinstance(node, ast.Constant) and isinstance(node.value, str | bool | int):
        return node.value, "literal"
    if isinstance(node, ast.Name) and node.id in consts:
        return consts[node.id], "constant"
    return None, "expression"


def _kind(call: ast.Call, names: dict[str, str]) -> tuple[str, str] | None:
    func = call.func
    dotted = _dotted(func, names)
    if dotted is not None and dotted in LOADERS:
        return LOADERS[dotted], dotted
    if isinstance(func, ast.Attribute) and func.attr == "from_pretrained":
        return "from_pretrained", (dotted or func.attr)
    if dotted is not None:
        for api, kind in LOADERS.items():
            if (
                dotted.endswith("." + api.rsplit(".", 1)[-1])
                and dotted.split(".")[0] == api.split(".")[0]
            ):
                return kind, dotted
    return None


def calls(tree: ast.Module, path: str, line_map: Any = None) -> list[dict[str, Any]]:
    """Every loader call of the module; ``line_map(line)`` maps a line to the file's line
    (notebook cells)."""
    names = import_aliases(tree)
    consts = _constants(tree)
    params = _param_sources(tree)
    out: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        found = _kind(node, names)
        if found is None:
            continue
        kind, api = found
        keyword, position = _REFERENCE_ARG[kind]
        ref_node = _argument(node, keyword, position)
        if (
            kind == "from_pretrained"
            and ref_node is not None
            and not (
                isinstance(ref_node, ast.Constant)
                or (isinstance(ref_node, ast.Name) and ref_node.id in consts)
            )
        ):
            # PeftModel.from_pretrained(base_model, "org/adapter"): the reference is second
            second = _argument(node, "model_id", 1)
            if second is not None:
                ref_node = second
        if kind == "url_download" and ref_node is None:
            ref_node = _argument(node, "origin", 1)
        reference, reference_kind = _value(ref_node, consts)
        revision_node = _argument(node, "revision", None)
        revision, revision_kind = _value(revision_node, consts)
        if kind == "load_dataset" and revision_kind == "absent":
            revision, revision_kind = _value(_argument(node, "version", None), consts)
        trust, trust_kind = _value(_argument(node, "trust_remote_code", None), consts)
        pretrained, pretrained_kind = _value(
            _argument(node, "pretrained", 1 if kind == "timm" else None), consts
        )
        if kind == "open_clip":
            pretrained, pretrained_kind = _value(_argument(node, "pretrained", 1), consts)
        source, _ = _value(_argument(node, "source", None), consts)
        overlay = _argument(node, "pretrained_cfg_overlay", None) is not None
        hash_checked = any(_argument(node, a, None) is not None for a in _HASH_ARGS)
        if kind == "url_download":
            check, check_kind = _value(_argument(node, "check_hash", None), consts)
            hash_checked = (
                (check is True)
                or check_kind == "expression"
                or any(
                    _argument(node, a, None) is not None for a in _HASH_ARGS if a != "check_hash"
                )
            )
        line = line_map(node.lineno) if line_map is not None else node.lineno
        out.append(
            {
                "kind": kind,
                "api": api,
                "reference": reference if isinstance(reference, str) else None,
                "reference_kind": reference_kind,
                "reference_param": _param(ref_node, params),
                "revision": revision if isinstance(revision, str) else None,
                "revision_kind": revision_kind,
                "revision_param": _param(revision_node, params),
                "trust_remote_code": trust if isinstance(trust, bool) else None,
                "trust_remote_code_kind": trust_kind,
                "pretrained": pretrained if isinstance(pretrained, bool | str) else None,
                "pretrained_kind": pretrained_kind,
                "pretrained_cfg_overlay": overlay,
                "source": source if isinstance(source, str) else None,
                "hash_checked": hash_checked,
                "cell": {"index": None, "line": node.lineno} if line_map is not None else None,
                "loc": line_loc(path, line, node.col_offset + 1),
            }
        )
    return out


def verification(tree: ast.Module) -> bool:
    """Whether the module imports or calls anything that verifies a model (model_signing,
    sigstore, hashlib digests compared, a ``verify``/``checksum`` function)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            mods = [a.name for a in node.names] + (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
            )
            if any(m and m.split(".")[0] in ("model_signing", "sigstore") for m in mods):
                return True
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.attr
                if isinstance(func, ast.Attribute)
                else func.id
                if isinstance(func, ast.Name)
                else ""
            )
            if any(v in name.lower() for v in ("verify", "checksum")):
                return True
    return False


_SAVE_CALLS = frozenset({"save_pretrained", "save_model", "save", "save_to_disk"})
_SAVE_KEYWORDS = frozenset({"output_dir", "save_directory", "local_dir", "output_path"})


def saved_paths(tree: ast.Module) -> set[str]:
    """String literals the module writes a model or dataset to (``save_pretrained("x")``,
    ``trainer.save_model("x")``, ``output_dir="x"``, ``local_dir="x"``): a later
    ``from_pretrained("x")`` loads that local folder, not a Hub repository."""
    consts = _constants(tree)
    out: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else ""
        args: list[ast.expr] = [kw.value for kw in node.keywords if kw.arg in _SAVE_KEYWORDS]
        if name in _SAVE_CALLS and node.args:
            args.append(node.args[0])
        for arg in args:
            value, kind = _value(arg, consts)
            if kind in ("literal", "constant") and isinstance(value, str):
                out.add(value.rstrip("/"))
    return out


def is_download(kind: str) -> bool:
    return kind in _DOWNLOAD_KINDS
