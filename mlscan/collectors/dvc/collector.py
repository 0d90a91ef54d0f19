"""The DVC collector: config files, remotes, pipeline stages, tracked outputs and their
dependencies, and whether the workspace still matches the recorded hashes.

Facts (``document["dvc"]``), documented in docs/facts.md under ``## dvc``:
``projects``, ``configs``, ``remotes``, ``stages``, ``outputs``, ``dependencies``.

The ``dvc`` package itself is never imported. dvc-data is imported lazily, only to hash
directory outputs and DVC 2 (``md5-dos2unix``) outputs.
"""

from __future__ import annotations

import posixpath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, file_failed
from mlscan.collectors.dvc.config import collect_repo_config, project_fact
from mlscan.collectors.dvc.files import collect_pipeline_files
from mlscan.collectors.dvc.verify import Verifier
from mlscan.models import Notification
from mlscan.workspace import Workspace

_MARKERS = (".dvc/config", ".dvc/config.local", ".dvc/.gitignore")


def _project_root(rel: str) -> str | None:
    for marker in _MARKERS:
        if rel == marker:
            return ""
        if rel.endswith("/" + marker):
            return rel[: -len(marker) - 1]
    return None


def _is_pipeline_file(rel: str) -> bool:
    name = posixpath.basename(rel)
    if name in ("dvc.yaml", "dvc.lock"):
        return True
    parts = rel.split("/")
    return name.endswith(".dvc") and name != ".dvc" and ".dvc" not in parts[:-1]


def _line_key(item: dict[str, Any]) -> tuple[str, int, int]:
    loc = item.get("loc") or {}
    return (str(loc.get("path") or ""), int(loc.get("line") or 0), int(loc.get("col") or 0))


class DvcCollector:
    family = "dvc"

    def applies(self, ws: Workspace) -> bool:
        return any(
            _project_root(f.path) is not None or _is_pipeline_file(f.path)
            for f in ws.candidates(include_ignored=True)
        )

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        roots = sorted(
            {
                r
                for f in ws.candidates(include_ignored=True)
                if (r := _project_root(f.path)) is not None
            }
        )
        notes: list[Notification] = []
        files: list[str] = []
        configs: list[dict[str, Any]] = []
        remotes: list[dict[str, Any]] = []
        for root in roots:
            try:
                cfgs, rems, cfg_notes, cfg_files = collect_repo_config(ws, ctx.parsed, root)
            except Exception as exc:  # one bad config must not cost the other projects
                notes.append(file_failed(f"{root}/.dvc/config" if root else ".dvc/config",
                                         "dvc", exc))
                continue
            configs.extend(cfgs)
            remotes.extend(rems)
            notes.extend(cfg_notes)
            files.extend(cfg_files)

        def repo_root_of(rel: str) -> str:
            best = ""
            for root in roots:
                if (not root or rel.startswith(root + "/")) and len(root) >= len(best):
                    best = root
            return best

        pipeline_paths = [f.path for f in ws.candidates() if _is_pipeline_file(f.path)]
        limits = ctx.config.limits
        pipeline = collect_pipeline_files(
            ws,
            pipeline_paths,
            repo_root_of,
            (limits.max_yaml_aliases, limits.max_nesting_depth),
            parsed=ctx.parsed,
        )
        notes.extend(pipeline.notifications)
        files.extend(pipeline.files)
        for item in (*pipeline.outputs, *pipeline.dependencies):
            item["repo_root"] = repo_root_of(item["source"])
        verifier = Verifier(ws, ctx.digests)
        verifier.verify(pipeline.outputs)
        for out in pipeline.outputs:
            out.pop("_recorded_files", None)
        notes.extend(verifier.notes)
        projects = [project_fact(ws, root) for root in roots]
        facts = {
            "projects": projects,
            "configs": sorted(configs, key=lambda c: c["path"]),
            "remotes": sorted(remotes, key=lambda r: (r["repo_root"], r["name"])),
            "stages": sorted(pipeline.stages, key=_line_key),
            "outputs": sorted(pipeline.outputs, key=_line_key),
            "dependencies": sorted(pipeline.dependencies, key=_line_key),
        }
        return CollectorOutput(
            facts=facts, notifications=tuple(sorted(notes)), files=tuple(sorted(set(files)))
        )
