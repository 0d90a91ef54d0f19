"""Facts from DVC pipeline and tracking files: ``stages``, ``outputs``, ``dependencies``.

* ``dvc.yaml``: stage definitions (cmd, deps, outs, wdir).
* ``dvc.lock``: what each stage last produced, with content hashes.
* ``*.dvc``: ``dvc add`` outputs, ``dvc import`` (repo + rev_lock) and ``dvc import-url``.

Paths in these files are relative to the file's folder (and the stage's ``wdir``); facts
carry them relative to the scan root. The hash of an entry is read the way DVC reads it:
``hash: md5`` marks a DVC 3 entry (plain md5); an ``md5`` without ``hash`` is a DVC 2
entry, hashed with ``md5-dos2unix``; ``etag`` / ``checksum`` come from cloud storage.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.base import file_failed, notification
from mlscan.collectors.dvc.config import redact_url
from mlscan.config import Limits
from mlscan.models import Notification
from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Node
from mlscan.workspace import Workspace

SOURCE = "dvc"
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


@dataclass(kw_only=True)
class PipelineFacts:
    stages: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    dependencies: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


class _Bad(Exception):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def scheme_of(path: str) -> str:
    """``s3``, ``https``, ``file``, ``remote``, ... or ``local`` for a plain path."""
    match = _URL.match(path)
    if match and len(match.group(1)) > 1:
        return match.group(1).lower()
    return "local"


def _resolve(base: str, declared: str, repo_root: str) -> tuple[str, bool]:
    """(path relative to the scan root, external?) for a local path in a DVC file."""
    if declared.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:[\\/]", declared):
        return declared, True
    joined = posixpath.normpath(posixpath.join(base, declared.replace("\\", "/")))
    if joined == ".." or joined.startswith("../"):
        return joined, True
    if repo_root and joined != repo_root and not joined.startswith(repo_root + "/"):
        return joined, True
    return joined, False


def _str(node: Node | None) -> str | None:
    if node is None or node.kind != "scalar" or node.value is None:
        return None
    return str(node.value)


def _hash_of(entry: Node) -> tuple[str | None, str | None, Node | None]:
    """(hash name, value, node of the value) as DVC reads an out/dep entry.

    ``hash: md5`` marks a DVC 3 entry; DVC writes it on every entry, also on external
    ones, whose checksum is the storage's own (``etag`` / ``checksum``)."""
    declared = _str(entry.get("hash"))
    if declared:
        field_name = "md5" if declared in ("md5", "md5-dos2unix") else declared
        node = entry.get(field_name)
        value = _str(node)
        if value:
            return declared, value, node
        for name in ("etag", "checksum"):
            other = entry.get(name)
            if other is not None and _str(other):
                return name, _str(other), other
        return declared, None, node
    for name, hash_name in (("md5", "md5-dos2unix"), ("etag", "etag"), ("checksum", "checksum")):
        node = entry.get(name)
        if node is not None:
            value = _str(node)
            return (hash_name if value else None), value or None, node
    return None, None, None


def _recorded_files(node: Node | None) -> dict[str, str] | None:
    """``{relpath: md5}`` of an out's inline ``files`` list (outputs pushed to a
    version-aware remote carry their manifest in the .dvc file)."""
    if node is None or not isinstance(node.value, list):
        return None
    found: dict[str, str] = {}
    for item in node.value:
        if isinstance(item, dict) and isinstance(item.get("relpath"), str):
            md5 = item.get("md5")
            if isinstance(md5, str) and md5:
                found[item["relpath"]] = md5
    return found


def _entries(node: Node | None, where: str) -> list[Node]:
    if node is None or node.value is None:
        return []
    if node.kind != "seq":
        raise _Bad(f"'{where}' must be a list", node.span.line)
    return node.children


def _path_entry(entry: Node, where: str, short_form: bool) -> tuple[str, Node, Node | None]:
    """(declared path, node to point at, options node) for a list item of deps/outs.

    ``short_form`` (dvc.yaml only) accepts ``- model.pkl: {cache: false}``."""
    if entry.kind == "scalar" and entry.value is not None:
        return str(entry.value), entry, None
    if entry.kind == "map":
        path_node = entry.get("path")
        if path_node is not None and path_node.kind == "scalar" and path_node.value is not None:
            return str(path_node.value), path_node, entry
        items = entry.items()
        if short_form and len(items) == 1:
            key, options = items[0]
            if options.kind == "map":
                return key, options, options
            if options.value is None:
                return key, options, None
    raise _Bad(f"an entry of '{where}' has no path", entry.span.line)


def _entry_loc(path: str, node: Node) -> dict[str, Any]:
    """Where an entry points: its key (``path:``, ``repo:``) up to the end of a scalar
    value on the same line; a bare list item points at the item."""
    start = node.key_span or node.span
    end = node.span if node.kind == "scalar" else start
    return {
        "path": path,
        "line": start.line,
        "col": start.col,
        "end_line": end.end_line,
        "end_col": end.end_col,
    }


def _bool(node: Node | None, default: bool) -> bool:
    return bool(node.value) if node is not None and isinstance(node.value, bool) else default


class _FileParser:
    def __init__(
        self, ws: Workspace, facts: PipelineFacts, repo_root_of: Any, parsed: ParseCache
    ) -> None:
        self.parsed = parsed
        self.ws = ws
        self.facts = facts
        self.repo_root_of = repo_root_of

    # ------------------------------------------------------------------ helpers
    def _load(self, rel: str) -> Node | None:
        docs = self.parsed.yaml(rel)  # a rejected file is noted once, by the parse cache
        if docs is None:
            return None
        self.facts.files.append(rel)
        if not docs:
            return None
        if len(docs) > 1 or docs[0].kind != "map":
            self.facts.notifications.append(
                notification(
                    rel, "DVC file must hold one YAML mapping", SOURCE, line=docs[0].span.line
                )
            )
            return None
        return docs[0]

    def _bad(self, rel: str, exc: _Bad) -> None:
        self.facts.notifications.append(
            notification(
                rel, f"unexpected DVC file structure: {exc.message}", SOURCE, line=exc.line
            )
        )

    def _output(
        self,
        rel: str,
        base: str,
        entry: Node,
        *,
        kind: str,
        stage: str | None,
        frozen: bool,
        imported: bool,
    ) -> dict[str, Any]:
        declared, path_node, options = _path_entry(entry, "outs", kind == "dvc_yaml")
        repo_root = self.repo_root_of(rel)
        scheme = scheme_of(declared)
        if scheme == "local":
            path, external = _resolve(base, declared, repo_root)
        else:
            path, external = redact_url(declared), True
        hash_name, hash_value, hash_node = (
            _hash_of(options) if options is not None else (None, None, None)
        )
        nfiles = options.get("nfiles") if options is not None else None
        recorded_files = _recorded_files(options.get("files") if options is not None else None)
        size = options.get("size") if options is not None else None
        return {
            "path": path,
            "declared_path": declared if scheme == "local" else path,
            "scheme": scheme,
            "external": external,
            "source": rel,
            "source_kind": kind,
            "stage": stage,
            "hash_name": hash_name,
            "hash_value": hash_value,
            "is_dir": bool(
                (hash_value and hash_value.endswith(".dir"))
                or (nfiles is not None and nfiles.value is not None)
                or (options is not None and options.get("files") is not None)
            ),
            "size": size.value if size is not None and isinstance(size.value, int) else None,
            "nfiles": nfiles.value
            if nfiles is not None and isinstance(nfiles.value, int)
            else None,
            "files_recorded": len(recorded_files) if recorded_files is not None else None,
            "_recorded_files": recorded_files,
            "cache": _bool(options.get("cache") if options is not None else None, True),
            "frozen": frozen,
            "imported": imported,
            "loc": _entry_loc(rel, path_node),
            "hash_loc": _entry_loc(rel, hash_node) if hash_node is not None else None,
            "workspace_state": None,
            "workspace_md5": None,
            "workspace_changes": None,
        }

    def _dependency(
        self,
        rel: str,
        base: str,
        entry: Node,
        *,
        kind: str,
        stage: str | None,
        frozen: bool,
        import_url: bool,
    ) -> dict[str, Any]:
        declared, path_node, options = _path_entry(entry, "deps", kind == "dvc_yaml")
        repo_root = self.repo_root_of(rel)
        scheme = scheme_of(declared)
        repo_node = options.get("repo") if options is not None else None
        repo: dict[str, Any] | None = None
        if repo_node is not None and repo_node.kind == "map":
            url = _str(repo_node.get("url"))
            repo = {
                "url": redact_url(url) if url else None,
                "rev": _str(repo_node.get("rev")),
                "rev_lock": _str(repo_node.get("rev_lock")) or None,
                "loc": _entry_loc(rel, repo_node),
            }
        if repo is not None:
            path, external = declared, True  # a path inside the other repository
        elif scheme == "local":
            path, external = _resolve(base, declared, repo_root)
        else:
            path, external = redact_url(declared), True
        hash_name, hash_value, _node = (
            _hash_of(options) if options is not None else (None, None, None)
        )
        return {
            "path": path,
            "declared_path": declared if scheme == "local" else redact_url(declared),
            "scheme": scheme,
            "external": external,
            "source": rel,
            "source_kind": kind,
            "stage": stage,
            "hash_name": hash_name,
            "hash_value": hash_value,
            "has_checksum": hash_value is not None,
            "repo": repo,
            "import_url": import_url and repo is None,
            "frozen": frozen,
            "no_exec": False,
            "loc": _entry_loc(rel, path_node),
        }

    # -------------------------------------------------------------------- files
    def dvc_file(self, rel: str) -> None:
        root = self._load(rel)
        if root is None:
            return
        base = posixpath.dirname(rel)
        try:
            wdir = _str(root.get("wdir"))
            if wdir:
                base = posixpath.normpath(posixpath.join(base, wdir))
            frozen = _bool(root.get("frozen"), False)
            is_stage = root.get("cmd") is not None
            dep_nodes = _entries(root.get("deps"), "deps")
            out_nodes = _entries(root.get("outs"), "outs")
            stage = rel if is_stage else None
            imported = bool(dep_nodes) and not is_stage
            deps = [
                self._dependency(
                    rel, base, n, kind="dvc_file", stage=stage, frozen=frozen, import_url=imported
                )
                for n in dep_nodes
            ]
            outs = [
                self._output(
                    rel, base, n, kind="dvc_file", stage=stage, frozen=frozen, imported=imported
                )
                for n in out_nodes
            ]
        except _Bad as exc:
            self._bad(rel, exc)
            return
        if imported and outs and all(o["hash_value"] is None for o in outs):
            for dep in deps:
                dep["no_exec"] = True
        self.facts.dependencies.extend(deps)
        self.facts.outputs.extend(outs)

    def dvc_yaml(self, rel: str) -> dict[str, dict[str, Any]]:
        """Stages of one dvc.yaml; returns name -> stage fact (for the lock file)."""
        root = self._load(rel)
        if root is None:
            return {}
        stages_node = root.get("stages")
        found: dict[str, dict[str, Any]] = {}
        if stages_node is None or stages_node.value is None:
            return found
        if stages_node.kind != "map":
            self._bad(rel, _Bad("'stages' must be a mapping", stages_node.span.line))
            return found
        for name, body in stages_node.items():
            try:
                found[name] = self._stage(rel, name, body)
            except _Bad as exc:
                self._bad(rel, exc)
        self.facts.stages.extend(found.values())
        return found

    def _stage(self, rel: str, name: str, body: Node) -> dict[str, Any]:
        if body.kind != "map":
            raise _Bad(f"stage '{name}' must be a mapping", body.span.line)
        templated = body.get("foreach") is not None or body.get("matrix") is not None
        spec = body.get("do") if body.get("foreach") is not None else body
        if spec is None or spec.kind != "map":
            spec = body
        cmd = spec.get("cmd")
        paths: dict[str, list[str]] = {}
        for key in ("deps", "outs", "metrics", "plots"):
            items = []
            for entry in _entries(spec.get(key), key):
                if entry.kind == "scalar" and entry.value is not None:
                    items.append(str(entry.value))
                elif entry.kind == "map" and entry.items():
                    items.append(entry.items()[0][0])
            paths[key] = items
        key_span = body.key_span or body.span
        return {
            "name": name,
            "file": rel,
            "cmd": cmd.value if cmd is not None else None,
            "wdir": _str(spec.get("wdir")),
            "deps": paths["deps"],
            "outs": paths["outs"],
            "metrics": paths["metrics"],
            "plots": paths["plots"],
            "frozen": _bool(spec.get("frozen"), False),
            "templated": templated,
            "locked": False,
            "loc": key_span.loc(rel),
            "_spec": spec,
        }

    def dvc_lock(self, rel: str, stages: dict[str, dict[str, Any]]) -> None:
        root = self._load(rel)
        folder = posixpath.dirname(rel)
        if root is None:
            return
        stages_node = root.get("stages")
        if root.get("schema") is None and stages_node is None:
            stages_node = root  # DVC 1 lock file: stages at the top level
        if stages_node is None or stages_node.value is None:
            return
        if stages_node.kind != "map":
            self._bad(rel, _Bad("'stages' must be a mapping", stages_node.span.line))
            return
        for name, body in stages_node.items():
            if body.kind != "map":
                self._bad(rel, _Bad(f"stage '{name}' must be a mapping", body.span.line))
                continue
            stage = stages.get(name) or stages.get(name.split("@", 1)[0])
            if stage is not None:
                stage["locked"] = True
            wdir = stage["wdir"] if stage is not None and not stage["templated"] else None
            base = posixpath.normpath(posixpath.join(folder, wdir)) if wdir else folder
            frozen = bool(stage and stage["frozen"])
            try:
                deps = [
                    self._dependency(
                        rel, base, n, kind="dvc_lock", stage=name, frozen=frozen, import_url=False
                    )
                    for n in _entries(body.get("deps"), "deps")
                ]
                outs = [
                    self._output(
                        rel, base, n, kind="dvc_lock", stage=name, frozen=frozen, imported=False
                    )
                    for n in _entries(body.get("outs"), "outs")
                ]
            except _Bad as exc:
                self._bad(rel, exc)
                continue
            self.facts.dependencies.extend(deps)
            self.facts.outputs.extend(outs)

    def unlocked_stages(self, rel: str, stages: dict[str, dict[str, Any]]) -> None:
        """Outs and deps of plain stages that dvc.lock does not record: nothing pins them."""
        folder = posixpath.dirname(rel)
        for name, stage in stages.items():
            if stage["locked"] or stage["templated"]:
                continue
            spec: Node = stage["_spec"]
            base = (
                posixpath.normpath(posixpath.join(folder, stage["wdir"]))
                if stage["wdir"]
                else folder
            )
            try:
                for key in ("deps",):
                    for n in _entries(spec.get(key), key):
                        declared = _path_entry(n, key, True)[0]
                        if "${" in declared:
                            continue
                        self.facts.dependencies.append(
                            self._dependency(
                                rel,
                                base,
                                n,
                                kind="dvc_yaml",
                                stage=name,
                                frozen=stage["frozen"],
                                import_url=False,
                            )
                        )
                for key in ("outs", "metrics", "plots"):
                    for n in _entries(spec.get(key), key):
                        declared = _path_entry(n, key, True)[0]
                        if "${" in declared:
                            continue
                        out = self._output(
                            rel,
                            base,
                            n,
                            kind="dvc_yaml",
                            stage=name,
                            frozen=stage["frozen"],
                            imported=False,
                        )
                        out["hash_name"] = out["hash_value"] = out["hash_loc"] = None
                        self.facts.outputs.append(out)
            except _Bad as exc:
                self._bad(rel, exc)


def collect_pipeline_files(
    ws: Workspace,
    paths: list[str],
    repo_root_of: Any,
    limits: tuple[int, int] = (1000, 200),
    parsed: ParseCache | None = None,
) -> PipelineFacts:
    """Parse every dvc.yaml / dvc.lock / *.dvc in ``paths`` (sorted), through the scan's
    parse cache (a fresh one with ``limits`` when none is given)."""
    facts = PipelineFacts()
    if parsed is None:
        parsed = ParseCache(ws, Limits(max_yaml_aliases=limits[0], max_nesting_depth=limits[1]))
    parser = _FileParser(ws, facts, repo_root_of, parsed)
    by_folder: dict[str, dict[str, str]] = {}

    def failed(rel: str, exc: Exception) -> None:
        facts.notifications.append(file_failed(rel, SOURCE, exc))

    for rel in sorted(paths):
        name = posixpath.basename(rel)
        if name in ("dvc.yaml", "dvc.lock"):
            by_folder.setdefault(posixpath.dirname(rel), {})[name] = rel
            continue
        try:
            parser.dvc_file(rel)
        except Exception as exc:  # one bad file must not cost the others
            failed(rel, exc)
    for folder in sorted(by_folder):
        pair = by_folder[folder]
        stages: dict[str, dict[str, Any]] = {}
        dvc_yaml, dvc_lock = pair.get("dvc.yaml"), pair.get("dvc.lock")
        if dvc_yaml is not None:
            try:
                stages = parser.dvc_yaml(dvc_yaml)
            except Exception as exc:
                failed(dvc_yaml, exc)
        if dvc_lock is not None:
            try:
                parser.dvc_lock(dvc_lock, stages)
            except Exception as exc:
                failed(dvc_lock, exc)
        if dvc_yaml is not None:
            try:
                parser.unlocked_stages(dvc_yaml, stages)
            except Exception as exc:
                failed(dvc_yaml, exc)
    for stage in facts.stages:
        stage.pop("_spec", None)
    return facts
