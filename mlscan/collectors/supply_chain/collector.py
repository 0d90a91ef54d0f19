"""The ``supply_chain`` family: where models, datasets and remote code come from.

* ``loads``: loader calls in Python files and notebook code cells (``python.py``): model
  and dataset references, ``revision``, ``trust_remote_code``, ``pretrained``, hash checks.
  A notebook call's line is its line in the ``.ipynb`` file (the line of the JSON string
  that holds the cell's source line; see ``ParseCache.notebook``), with ``cell`` naming the
  cell and the line inside it.
* ``hf_env``: SageMaker Hugging Face containers: ``HF_MODEL_ID`` with or without
  ``HF_MODEL_REVISION`` (YAML, Terraform, Python dicts).
* ``storage_uris``: KServe / Seldon model URIs with their format.
* ``pip_git``: ``pip install git+...`` requirements in Dockerfiles and requirements files.
* ``modules``: per Python file, whether it downloads a model and whether it verifies one.
* ``bento_envs``: BentoML ``bentofile.yaml`` Python environments (``bento.py``).

Files under test folders are skipped (``serving.code.is_test_path``). docs/facts.md
documents each field; rego/controls/supply_chain decides.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, notification
from mlscan.collectors.supply_chain import bento, manifests, python
from mlscan.models import Notification
from mlscan.sourcemap import Node
from mlscan.workspace import Workspace

SOURCE = "supply_chain"
_TEST_DIRS = frozenset({"tests", "test", "testing"})
_LOADER_HINT = re.compile(
    r"from_pretrained|hf_hub_download|snapshot_download|pipeline|load_dataset|SentenceTransformer|"
    r"CrossEncoder|create_model|torch\.hub|hub\.load|load_state_dict_from_url|download_url_to_file|"
    r"load_url|urlretrieve|get_file|wget|HF_MODEL_ID"
)
_REQUIREMENTS = re.compile(r"(^|/)(requirements[\w.\-]*\.(txt|in)|constraints[\w.\-]*\.txt)$")


def is_test_path(path: str) -> bool:
    p = PurePosixPath(path)
    if any(part in _TEST_DIRS for part in p.parts[:-1]):
        return True
    return p.name.startswith("test_") or p.name.endswith("_test.py") or p.name == "conftest.py"


def _is_dockerfile(name: str) -> bool:
    lower = name.lower()
    return lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile")


class SupplyChainCollector:
    family = "supply_chain"

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        facts: dict[str, list[dict[str, Any]]] = {
            "loads": [],
            "hf_env": [],
            "storage_uris": [],
            "pip_git": [],
            "modules": [],
            "bento_envs": [],
        }
        notes: list[Notification] = []
        files: list[str] = []
        for f in ws.candidates():
            rel = f.path
            if is_test_path(rel):
                continue
            name = PurePosixPath(rel).name
            suffix = PurePosixPath(rel).suffix.lower()
            before = sum(len(v) for v in facts.values())
            if suffix == ".py":
                self._python(ctx, rel, facts)
            elif suffix == ".ipynb":
                self._notebook(ctx, rel, facts, notes)
            elif bento.is_bentofile(rel):
                docs = ctx.parsed.yaml(rel)
                if docs is not None:
                    facts["bento_envs"] += bento.environment(rel, docs, ctx.parsed.text)
            elif suffix in (".yaml", ".yml") and "templates" not in PurePosixPath(rel).parts:
                text = ctx.parsed.text(rel)
                if text and (
                    "storageUri" in text
                    or "hf://" in text
                    or "modelUri" in text
                    or "HF_MODEL_ID" in text
                    or "model_uri" in text
                    or "modelUrl" in text
                ):
                    docs = ctx.parsed.yaml(rel)
                    if docs is not None:
                        facts["storage_uris"] += manifests.storage_uris(rel, docs)
                        facts["hf_env"] += manifests.hf_env_yaml(rel, docs)
            elif suffix in (".tf", ".hcl"):
                text = ctx.parsed.text(rel)
                if text and "HF_MODEL_ID" in text:
                    facts["hf_env"] += manifests.hf_env_text(rel, text)
            elif _is_dockerfile(name) or _REQUIREMENTS.search(rel):
                text = ctx.parsed.text(rel)
                if text and _is_dockerfile(name):
                    facts["storage_uris"] += manifests.build_downloads(rel, text)
                if text and "git+" in text:
                    facts["pip_git"] += [
                        {**g, "file_kind": "dockerfile" if _is_dockerfile(name) else "requirements"}
                        for g in manifests.pip_git(rel, text)
                    ]
            if sum(len(v) for v in facts.values()) > before:
                files.append(rel)
        dirs = _workspace_dirs(ws)
        for load in facts["loads"]:
            _resolve_params(ctx, ws, load)
            ref = load["reference"]
            load["reference_in_workspace"] = isinstance(ref, str) and _in_workspace(
                ref, load["loc"]["path"], ws, dirs
            )
        for key in facts:
            facts[key].sort(
                key=lambda x: (x["loc"]["path"], x["loc"]["line"] or 0, x["loc"]["col"] or 0)
            )
        return CollectorOutput(facts=facts, notifications=tuple(notes), files=tuple(sorted(files)))

    def _python(
        self, ctx: CollectContext, rel: str, facts: dict[str, list[dict[str, Any]]]
    ) -> None:
        text = ctx.parsed.text(rel)
        if not text or not _LOADER_HINT.search(text):
            return
        tree = ctx.parsed.python_ast(rel)
        if tree is None:
            return
        loads = python.calls(tree, rel)
        _mark_saved(loads, python.saved_paths(tree))
        facts["loads"] += loads
        facts["hf_env"] += manifests.hf_env_python(rel, tree)
        self._module(rel, loads, python.verification(tree), facts)

    def _notebook(
        self,
        ctx: CollectContext,
        rel: str,
        facts: dict[str, list[dict[str, Any]]],
        notes: list[Notification],
    ) -> None:
        text = ctx.parsed.text(rel)
        if not text or not _LOADER_HINT.search(text):
            return
        cells = ctx.parsed.notebook_python(rel)
        if cells is None:
            return
        loads: list[dict[str, Any]] = []
        saved: set[str] = set()
        verified = False
        for cell, tree in cells:
            if tree is None:
                notes.append(
                    notification(
                        rel,
                        f"notebook cell {cell.index} is not Python; its loaders are not checked",
                        SOURCE,
                        line=cell.file_line(1),
                        level="note",
                    )
                )
                continue
            found = python.calls(tree, rel, cell.file_line)
            for load in found:
                load["cell"]["index"] = cell.index
            loads += found
            saved |= python.saved_paths(tree)
            facts["hf_env"] += manifests.hf_env_python(rel, tree, cell.file_line)
            verified = verified or python.verification(tree)
        _mark_saved(loads, saved)
        facts["loads"] += loads
        self._module(rel, loads, verified, facts)

    @staticmethod
    def _module(
        rel: str,
        loads: list[dict[str, Any]],
        verified: bool,
        facts: dict[str, list[dict[str, Any]]],
    ) -> None:
        downloads = [x for x in loads if python.is_download(x["kind"])]
        if downloads:
            facts["modules"].append(
                {
                    "path": rel,
                    "downloads": len(downloads),
                    "verifies": verified,
                    "loc": downloads[0]["loc"],
                }
            )


def _workspace_dirs(ws: Workspace) -> set[str]:
    dirs: set[str] = set()
    for f in ws.candidates(include_ignored=True):
        parent = PurePosixPath(f.path).parent
        while parent.as_posix() not in (".", "") and parent.as_posix() not in dirs:
            dirs.add(parent.as_posix())
            parent = parent.parent
    return dirs


def _in_workspace(ref: str, source: str, ws: Workspace, dirs: set[str]) -> bool:
    """Whether ``ref`` names a file or folder of the project (from the root or the file's
    folder): a local model, not a Hub repository."""
    ref = ref.strip().rstrip("/")
    if not ref:
        return False
    base = PurePosixPath(source).parent.as_posix()
    for candidate in (ref, f"{base}/{ref}" if base not in (".", "") else ref):
        if candidate in dirs or ws.exists(candidate):
            return True
    return False


def _resolve_params(ctx: CollectContext, ws: Workspace, load: dict[str, Any]) -> None:
    """Replace a ``params["a"]["b"]`` reference or revision by the value the parameter file
    (``params.yaml``, read from the parse cache, from the root or the script's folder)
    holds; its kind becomes ``param`` and ``<field>_param.loc`` points at the value."""
    for field in ("reference", "revision"):
        source = load.get(f"{field}_param")
        if not source or load[f"{field}_kind"] != "expression":
            continue
        base = PurePosixPath(load["loc"]["path"]).parent.as_posix()
        candidates = [source["file"]]
        if base not in (".", ""):
            candidates.append(f"{base}/{source['file']}")
        for rel in candidates:
            rel = rel.removeprefix("./")
            if not ws.exists(rel):
                continue
            node: Node | None
            if rel.endswith(".json"):
                node = ctx.parsed.json(rel)
            else:
                docs = ctx.parsed.yaml(rel)
                node = docs[0] if docs else None
            for key in source["keys"]:
                node = node.get(key) if node is not None and node.kind == "map" else None
            if node is not None and isinstance(node.value, str):
                load[field] = node.value
                load[f"{field}_kind"] = "param"
                source["loc"] = node.span.loc(rel)
                break


def _mark_saved(loads: list[dict[str, Any]], saved: set[str]) -> None:
    for load in loads:
        ref = load["reference"]
        load["reference_saved_locally"] = isinstance(ref, str) and ref.rstrip("/") in saved
