"""JSON reporter: a versioned, documented document (see docs/output-json.md).

The output is deterministic: keys are sorted, lists are sorted, two-space indent and a
trailing newline. Timings are deliberately left out.
"""

from __future__ import annotations

import json
from typing import Any

from mlscan.models import ScanResult
from mlscan.reporters._common import (
    INFORMATION_URI,
    TOOL_NAME,
    catalogue,
    control_dict,
    finding_dict,
    sorted_findings,
    sorted_notifications,
    summarize,
)

FORMAT_VERSION = "1"


def document(result: ScanResult) -> dict[str, Any]:
    """The JSON document as plain Python values."""
    summary = summarize(result)
    return {
        "version": FORMAT_VERSION,
        "tool": {
            "name": TOOL_NAME,
            "version": result.tool_version,
            "information_uri": INFORMATION_URI,
            "policy_hash": result.policy_hash,
            "automation_id": result.automation_id,
        },
        "root": result.root,
        "summary": {
            "total": summary.total,
            "active": summary.active,
            "suppressed": summary.suppressed,
            "expired_suppressions": summary.expired_suppressions,
            "files": summary.files,
            "by_severity": dict(summary.by_severity),
            "suppressed_by_severity": dict(summary.suppressed_by_severity),
            "by_stride": dict(summary.by_stride),
            "notifications": summary.notifications,
            "notifications_by_level": dict(summary.notifications_by_level),
        },
        "facts_summary": {str(k): v for k, v in result.facts_summary.items()},
        "findings": [finding_dict(f) for f in sorted_findings(result.findings)],
        "notifications": [
            {
                "path": n.path,
                "line": n.line,
                "level": n.level,
                "kind": n.kind,
                "source": n.source,
                "message": n.message,
            }
            for n in sorted_notifications(result.notifications)
        ],
        "controls": [control_dict(c) for c in catalogue(result)],
    }


def render(result: ScanResult) -> str:
    return json.dumps(document(result), indent=2, sort_keys=True, ensure_ascii=True) + "\n"
