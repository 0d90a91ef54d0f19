"""Small builders for core objects, shared by test modules.

Every builder takes keyword overrides; the defaults describe one realistic DVC finding.
"""

from __future__ import annotations

from typing import Any

from mlscan.models import Control, Finding, Location, ScanResult


def make_control(**kw: Any) -> Control:
    """A Control; defaults to MLS-DVC-006 (plaintext remote)."""
    values: dict[str, Any] = {
        "id": "MLS-DVC-006",
        "title": "DVC remote over plaintext transport or with TLS verification off",
        "description": "Data and models pulled over plain HTTP can be read or replaced in transit.",
        "severity": "high",
        "stride": ("tampering", "information-disclosure"),
        "cwe": (319, 295),
        "remediation": "Use https:// or s3:// remotes and keep ssl_verify on.",
        "help_uri": "https://github.com/mlscan/mlscan/blob/main/docs/controls.md#mls-dvc-006",
    }
    values.update(kw)
    return Control(**values)


def make_location(
    path: str = ".dvc/config",
    line: int | None = 3,
    col: int | None = 1,
    end_line: int | None = None,
    end_col: int | None = None,
) -> Location:
    return Location(path=path, start_line=line, start_col=col, end_line=end_line, end_col=end_col)


def make_finding(**kw: Any) -> Finding:
    """A Finding; ``control`` defaults to :func:`make_control`, ``severity`` to the
    control's severity, ``location`` to ``.dvc/config:3:1``."""
    control = kw.pop("control", None) or make_control()
    values: dict[str, Any] = {
        "control": control,
        "severity": control.severity,
        "message": "DVC remote 'storage' uses plaintext http://",
        "location": make_location(),
        "asset": "storage",
        "fingerprint": f"fp-{control.id}-{kw.get('asset', 'storage')}",
    }
    values.update(kw)
    return Finding(**values)


def make_result(**kw: Any) -> ScanResult:
    """A ScanResult; ``controls`` defaults to the controls of the given findings."""
    findings = tuple(kw.pop("findings", ()))
    controls = kw.pop("controls", None)
    if controls is None:
        controls = tuple({f.control.id: f.control for f in findings}.values())
    values: dict[str, Any] = {
        "root": "/work/project",
        "findings": findings,
        "notifications": (),
        "controls": tuple(controls),
        "facts_summary": {},
        "tool_version": "0.1.0",
        "automation_id": "mlscan/",
    }
    values.update(kw)
    return ScanResult(**values)
