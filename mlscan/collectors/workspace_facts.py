"""The ``workspace`` family: what was scanned (for scope statements and controls that
need to know whether the tree is a git work tree)."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from mlscan.collectors.base import CollectContext, CollectorOutput
from mlscan.workspace import Workspace


class WorkspaceCollector:
    family = "workspace"

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        suffixes: Counter[str] = Counter()
        ignored = 0
        for f in ws.files:
            suffixes[PurePosixPath(f.path).suffix.lower() or "(none)"] += 1
            ignored += f.git_ignored
        facts = {
            "root_name": ws.root.name,
            "in_git": ws.in_git,
            "file_count": len(ws.files),
            "git_ignored_count": ignored,
            "files_by_suffix": dict(sorted(suffixes.items())),
        }
        return CollectorOutput(facts=facts)
