"""Workspace verification of DVC outputs: does the file on disk still have the hash that
``dvc.lock`` / ``*.dvc`` recorded?

* File output, ``hash: md5`` (DVC 3): plain md5 of the bytes, taken from the shared
  DigestService (each file is read once per scan).
* File output without ``hash`` (DVC 2, ``md5-dos2unix``): when the plain md5 differs,
  the dos2unix md5 is computed with dvc-data's own hasher.
* Directory output (``<md5>.dir``): the md5 of DVC's JSON manifest of ``{relpath, md5}``
  entries, built and serialised with dvc-data's ``Tree``; files ignored by
  ``.dvcignore`` are left out as DVC does.

dvc-data is imported lazily, only when a directory or DVC 2 output needs it. Outputs that
are not in the workspace (not pulled) are ``absent``; they are never compared.
"""

from __future__ import annotations

import bisect
import io
import json
import posixpath
from collections.abc import Callable
from typing import Any

from mlscan.collectors.base import notification
from mlscan.errors import FileReadError
from mlscan.hashing import DigestService
from mlscan.models import Notification
from mlscan.workspace import Workspace

SOURCE = "dvc"
MAX_LISTED_CHANGES = 20
_COMPARABLE = ("md5", "md5-dos2unix")
_DEFAULT_IGNORED = (".git", ".hg", ".dvc")


class DvcIgnore:
    """``.dvcignore`` files of the scanned tree (gitignore syntax, per folder)."""

    def __init__(self, ws: Workspace) -> None:
        import pathspec

        self._specs: dict[str, Any] = {}
        for f in ws.candidates(include_ignored=True):
            if f.name != ".dvcignore":
                continue
            try:
                lines = ws.read_text(f.path).splitlines()
                self._specs[posixpath.dirname(f.path)] = pathspec.GitIgnoreSpec.from_lines(lines)
            except (FileReadError, ValueError):
                continue

    def ignored(self, rel: str) -> bool:
        parts = rel.split("/")
        if any(part in _DEFAULT_IGNORED for part in parts[:-1]) or parts[-1] in (".git", ".hg"):
            return True
        verdict: bool | None = None
        for depth in range(len(parts)):
            spec = self._specs.get("/".join(parts[:depth]))
            if spec is None:
                continue
            result = spec.check_file("/".join(parts[depth:]))
            if result.include is not None:
                verdict = result.include
        return bool(verdict)


class _DvcData:
    """dvc-data helpers, imported on first use (about 0.2 s)."""

    def __init__(self) -> None:
        self._loaded: tuple[Any, Any, Any] | None = None
        self.available = True

    def _load(self) -> tuple[Any, Any, Any] | None:
        if self._loaded is None and self.available:
            try:
                from dvc_data.hashfile.hash import fobj_md5
                from dvc_data.hashfile.hash_info import HashInfo
                from dvc_data.hashfile.tree import Tree
            except ImportError:
                self.available = False
                return None
            self._loaded = (Tree, HashInfo, fobj_md5)
        return self._loaded

    def dir_hash(self, entries: list[tuple[str, str]], hash_name: str) -> str | None:
        """DVC's ``<md5>.dir`` value for ``[(relpath, md5), ...]``."""
        loaded = self._load()
        if loaded is None:
            return None
        tree_cls, hash_info_cls, _ = loaded
        tree = tree_cls()
        for relpath, md5 in entries:
            tree.add(tuple(relpath.split("/")), None, hash_info_cls(hash_name, md5))
        tree.digest()
        return str(tree.hash_info.value)

    def dos2unix_md5(self, data: bytes) -> str | None:
        loaded = self._load()
        if loaded is None:
            return None
        return str(loaded[2](io.BytesIO(data), name="md5-dos2unix"))


def _manifest(
    ws: Workspace, repo_root: str, hash_value: str, legacy: bool
) -> dict[str, str] | None:
    """The recorded ``{relpath: md5}`` of a directory output, when the local DVC cache
    holds its manifest (``.dvc/cache``); None otherwise."""
    digest = hash_value  # "<md5>.dir" is also the cache object's file name
    prefix = f"{repo_root}/" if repo_root else ""
    folder = ".dvc/cache" if legacy else ".dvc/cache/files/md5"
    rel = f"{prefix}{folder}/{digest[:2]}/{digest[2:]}"
    try:
        raw = json.loads(ws.read_text(rel))
    except (FileReadError, ValueError, RecursionError):  # not a manifest DVC wrote
        return None
    if not isinstance(raw, list):
        return None
    out: dict[str, str] = {}
    for item in raw:
        if (
            isinstance(item, dict)
            and isinstance(item.get("relpath"), str)
            and isinstance(item.get("md5"), str)
        ):
            out[item["relpath"]] = item["md5"]
    return out


def _changes(recorded: dict[str, str], actual: dict[str, str]) -> dict[str, Any]:
    added = sorted(set(actual) - set(recorded))
    removed = sorted(set(recorded) - set(actual))
    modified = sorted(p for p in set(actual) & set(recorded) if actual[p] != recorded[p])
    return {
        "added": added[:MAX_LISTED_CHANGES],
        "removed": removed[:MAX_LISTED_CHANGES],
        "modified": modified[:MAX_LISTED_CHANGES],
        "added_count": len(added),
        "removed_count": len(removed),
        "modified_count": len(modified),
    }


class Verifier:
    def __init__(self, ws: Workspace, digests: DigestService) -> None:
        self.ws = ws
        self.digests = digests
        self.notes: list[Notification] = []
        self._paths = [f.path for f in ws.candidates(include_ignored=True)]
        self._ignore: DvcIgnore | None = None
        self._dvc_data = _DvcData()
        self._warned = False
        # paths the workspace saw but would not read (symlink escapes, unreadable entries)
        self._skipped = {
            n.path: n.kind
            for n in ws.notifications
            if n.kind in ("symlink-escape", "unreadable", "symlink-loop")
        }
        # When discovery saw only part of the tree, a directory cannot be compared: the
        # missing files would look removed.
        self._partial: str | None = None
        if ws.options.only is not None:
            self._partial = "only some files were given to scan"
        elif any(n.kind == "limit" for n in ws.notifications):
            self._partial = "discovery stopped at limits.max_files"

    def _not_compared(self, out: dict[str, Any], reason: str) -> None:
        self.notes.append(
            notification(
                out["source"],
                f"DVC directory output '{out['path']}' was not compared: {reason}",
                SOURCE,
                kind="skipped",
                level="note",
            )
        )

    @property
    def ignore(self) -> DvcIgnore:
        if self._ignore is None:
            self._ignore = DvcIgnore(self.ws)
        return self._ignore

    def _under(self, folder: str) -> list[str]:
        prefix = folder + "/"
        start = bisect.bisect_left(self._paths, prefix)
        found = []
        for path in self._paths[start:]:
            if not path.startswith(prefix):
                break
            found.append(path)
        return found

    def _files_of(self, out: dict[str, Any]) -> list[str]:
        return [p for p in self._under(out["path"]) if not self.ignore.ignored(p)]

    def _need_dvc_data(self, out: dict[str, Any]) -> None:
        if not self._dvc_data.available and not self._warned:
            self._warned = True
            self.notes.append(
                notification(
                    out["source"],
                    "dvc-data is not installed: directory and DVC 2 outputs were not verified "
                    "(pip install dvc-data)",
                    SOURCE,
                    kind="skipped",
                    level="note",
                )
            )

    def verify(self, outputs: list[dict[str, Any]]) -> None:
        todo: list[tuple[dict[str, Any], list[str]]] = []
        for out in outputs:
            if out["external"] or out["scheme"] != "local":
                continue
            present_file = self.ws.get(out["path"]) is not None
            under = self._files_of(out) if (out["is_dir"] or not present_file) else []
            if not present_file and not under:
                # a symlink out of the root or an unreadable entry is not "not pulled"
                skipped = self._skipped.get(out["path"])
                out["workspace_state"] = "unreadable" if skipped else "absent"
                continue
            by_files = bool(out.get("_recorded_files")) and out["is_dir"]
            if not by_files and (out["hash_name"] not in _COMPARABLE or not out["hash_value"]):
                continue
            if out["is_dir"] and self._partial is not None:
                self._not_compared(out, self._partial)
                continue
            todo.append((out, [out["path"]] if present_file and not out["is_dir"] else under))
        self.digests.prefetch(p for _, files in todo for p in files)
        for out, files in todo:
            try:
                self._verify_one(out, files)
            except FileReadError as exc:
                out["workspace_state"] = "unreadable"
                out["workspace_md5"] = None
                self.notes.append(
                    notification(
                        exc.path,
                        f"DVC output '{out['path']}' cannot be verified: {exc.reason}",
                        SOURCE,
                        kind=exc.kind,
                        level="note",
                    )
                )

    def _verify_one(self, out: dict[str, Any], files: list[str]) -> None:
        recorded: str | None = out["hash_value"]
        legacy = out["hash_name"] == "md5-dos2unix"
        if recorded is None:
            self._verify_files(out, files, legacy)
            return
        is_file_on_disk = self.ws.get(out["path"]) is not None
        if out["is_dir"] != (not is_file_on_disk):
            # a directory was recorded and a file is there, or the other way round
            out["workspace_state"] = "mismatch"
            return
        if not out["is_dir"]:
            actual = self.digests.digest(out["path"]).md5
            if actual != recorded and legacy:
                dos = self._dvc_data.dos2unix_md5(self.ws.read_bytes(out["path"]))
                if dos is None:
                    self._need_dvc_data(out)
                    return
                actual = dos
            out["workspace_md5"] = actual
            out["workspace_state"] = "match" if actual == recorded else "mismatch"
            return
        self._verify_dir(out, files, recorded, legacy)

    def _per_file(self, out: dict[str, Any], files: list[str]) -> dict[str, str]:
        base = out["path"] + "/"
        return {p[len(base) :]: self.digests.digest(p).md5 for p in files}

    def _verify_files(self, out: dict[str, Any], files: list[str], legacy: bool) -> None:
        """A directory recorded only as an inline ``files`` list: compare file by file."""
        recorded: dict[str, str] = out["_recorded_files"]
        if self.ws.get(out["path"]) is not None:
            out["workspace_state"] = "mismatch"
            return
        actual = self._per_file(out, files)
        if legacy:
            for rel, md5 in list(actual.items()):
                if recorded.get(rel) not in (None, md5):
                    dos = self._dvc_data.dos2unix_md5(self.ws.read_bytes(f"{out['path']}/{rel}"))
                    actual[rel] = dos if dos is not None else md5
        out["workspace_state"] = "match" if actual == recorded else "mismatch"
        if actual != recorded:
            out["workspace_changes"] = _changes(recorded, actual)

    def _verify_dir(
        self, out: dict[str, Any], files: list[str], recorded: str, legacy: bool
    ) -> None:
        base = out["path"] + "/"
        per_file = self._per_file(out, files)
        hash_name = "md5-dos2unix" if legacy else "md5"
        actual = self._dvc_data.dir_hash(sorted(per_file.items()), hash_name)
        if actual is None:
            self._need_dvc_data(out)
            return
        if actual != recorded and legacy:
            read: Callable[[str], bytes] = self.ws.read_bytes
            converted: dict[str, str] = {}
            for rel, md5 in per_file.items():
                dos = self._dvc_data.dos2unix_md5(read(base + rel))
                converted[rel] = dos if dos is not None else md5
            per_file = converted
            actual = self._dvc_data.dir_hash(sorted(per_file.items()), hash_name) or actual
        out["workspace_md5"] = actual
        out["workspace_state"] = "match" if actual == recorded else "mismatch"
        if actual != recorded:
            manifest = out.get("_recorded_files") or _manifest(
                self.ws, out.get("repo_root") or "", recorded, legacy
            )
            if manifest is not None:
                out["workspace_changes"] = _changes(manifest, per_file)
