from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from mlscan.models import Location, Notification, Risk, Suppression
from mlscan.reporters import json_format
from tests.factories import make_control, make_finding, make_location, make_result

DOC = Path(__file__).resolve().parents[2] / "docs" / "output-json.md"

MOD = make_control(
    id="MLS-MOD-002",
    title="Model artifact imports dangerous globals",
    severity="critical",
    stride=("elevation-of-privilege", "tampering"),
    linddun=("detecting",),
    atlas=("AML.T0018.002",),
    owasp_ml=("ML10",),
    cwe=(502,),
    references=("https://example.org/pickle",),
    package="mlscan.controls.models.dangerous_globals",
    source="rego/controls/models/dangerous_globals.rego",
)
BKT = make_control(id="MLS-BKT-001", severity="low", stride=("information-disclosure",))


def full_result(**kw: Any) -> Any:
    findings = [
        make_finding(
            control=MOD,
            message="pickle imports os.system",
            location=Location(path="models/model.pkl"),
            related=(make_location(path="MLmodel", line=4, col=1, end_line=4, end_col=20),),
            logical_location="models:/credit/3",
            risk=Risk(
                likelihood=4,
                impact="critical",
                impact_score=4,
                score=16,
                asset_group="credit-scoring",
            ),
            baseline_state="new",
            evidence={"globals": ("os.system", "builtins.eval"), "count": 2},
            fingerprint="fp-mod",
            asset="models/model.pkl",
        ),
        make_finding(fingerprint="fp-dvc-1"),
        make_finding(
            location=make_location(line=9),
            asset="backup",
            fingerprint="fp-dvc-2",
            severity="medium",
            suppression=Suppression(
                kind="external",
                justification="ticket SEC-12",
                location=make_location(path=".mlscan.yaml", line=5),
            ),
        ),
        make_finding(
            location=make_location(line=12),
            asset="old",
            fingerprint="fp-dvc-3",
            suppression=Suppression(
                kind="inSource", justification="temporary", expires="2024-01-31", expired=True
            ),
        ),
    ]
    notes = (
        Notification(
            path="dvc.yaml",
            message="could not parse",
            line=3,
            level="error",
            kind="parse-error",
            source="dvc",
        ),
        Notification(
            path="big.bin", message="too large", level="note", kind="too-large", source="workspace"
        ),
    )
    values: dict[str, Any] = {
        "findings": findings,
        "notifications": notes,
        "controls": (make_control(), MOD, BKT),
        "facts_summary": {"dvc": 3, "artifacts": 1},
        "policy_hash": "sha256:abc",
    }
    values.update(kw)
    return make_result(**values)


def doc_of(result: Any) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json_format.render(result))
    return out


def test_top_level_shape_and_tool() -> None:
    doc = doc_of(full_result())
    assert sorted(doc) == [
        "controls",
        "facts_summary",
        "findings",
        "notifications",
        "root",
        "summary",
        "tool",
        "version",
    ]
    assert doc["version"] == "1"
    assert doc["root"] == "/work/project"
    assert doc["tool"] == {
        "name": "mlscan",
        "version": "0.1.0",
        "information_uri": "https://github.com/mlscan/mlscan",
        "policy_hash": "sha256:abc",
        "automation_id": "mlscan/",
    }
    assert doc["facts_summary"] == {"artifacts": 1, "dvc": 3}


def test_summary_counts_active_suppressed_and_expired() -> None:
    summary = doc_of(full_result())["summary"]
    assert summary == {
        "total": 4,
        "active": 3,
        "suppressed": 1,
        "expired_suppressions": 1,
        "files": 2,
        "by_severity": {"critical": 1, "high": 2, "medium": 0, "low": 0},
        "suppressed_by_severity": {"critical": 0, "high": 0, "medium": 1, "low": 0},
        "by_stride": {
            "spoofing": 0,
            "tampering": 3,
            "repudiation": 0,
            "information-disclosure": 2,
            "denial-of-service": 0,
            "elevation-of-privilege": 1,
        },
        "notifications": 2,
        "notifications_by_level": {"error": 1, "warning": 0, "note": 1},
    }


def test_findings_are_sorted_and_complete() -> None:
    findings = doc_of(full_result())["findings"]
    assert [
        (f["location"]["path"], f["location"]["start_line"], f["control"]) for f in findings
    ] == [
        (".dvc/config", 3, "MLS-DVC-006"),
        (".dvc/config", 9, "MLS-DVC-006"),
        (".dvc/config", 12, "MLS-DVC-006"),
        ("models/model.pkl", None, "MLS-MOD-002"),
    ]
    mod = findings[3]
    assert mod == {
        "control": "MLS-MOD-002",
        "title": "Model artifact imports dangerous globals",
        "severity": "critical",
        "message": "pickle imports os.system",
        "location": {
            "path": "models/model.pkl",
            "start_line": None,
            "start_col": None,
            "end_line": None,
            "end_col": None,
        },
        "related": [
            {"path": "MLmodel", "start_line": 4, "start_col": 1, "end_line": 4, "end_col": 20}
        ],
        "logical_location": "models:/credit/3",
        "asset": "models/model.pkl",
        "fingerprint": "fp-mod",
        "stride": ["tampering", "elevation-of-privilege"],
        "linddun": ["detecting"],
        "suppressed": False,
        "suppression": None,
        "risk": {
            "score": 16,
            "likelihood": 4,
            "impact": "critical",
            "impact_score": 4,
            "asset_group": "credit-scoring",
        },
        "baseline_state": "new",
        "evidence": {"globals": ["os.system", "builtins.eval"], "count": 2},
    }
    assert findings[1]["suppressed"] is True
    assert findings[1]["suppression"] == {
        "kind": "external",
        "justification": "ticket SEC-12",
        "expires": None,
        "expired": False,
        "location": {
            "path": ".mlscan.yaml",
            "start_line": 5,
            "start_col": 1,
            "end_line": None,
            "end_col": None,
        },
    }
    assert findings[2]["suppressed"] is False
    assert findings[2]["suppression"]["expired"] is True


def test_notifications_and_controls_are_sorted() -> None:
    doc = doc_of(full_result())
    assert doc["notifications"] == [
        {
            "path": "big.bin",
            "line": None,
            "level": "note",
            "kind": "too-large",
            "source": "workspace",
            "message": "too large",
        },
        {
            "path": "dvc.yaml",
            "line": 3,
            "level": "error",
            "kind": "parse-error",
            "source": "dvc",
            "message": "could not parse",
        },
    ]
    assert [c["id"] for c in doc["controls"]] == ["MLS-BKT-001", "MLS-DVC-006", "MLS-MOD-002"]
    mod = doc["controls"][2]
    assert mod["stride"] == ["tampering", "elevation-of-privilege"]
    assert mod["cwe"] == [502]
    assert mod["package"] == "mlscan.controls.models.dangerous_globals"
    assert mod["builtin"] is True


def test_text_format_is_deterministic_indented_and_newline_terminated() -> None:
    text = json_format.render(full_result())
    assert text.endswith("}\n")
    assert text.startswith('{\n  "controls": [\n')
    assert json_format.render(full_result()) == text
    reordered = full_result(
        findings=list(reversed(full_result().findings)),
        notifications=tuple(reversed(full_result().notifications)),
        controls=(BKT, MOD, make_control()),
        timings={"collect": 1.5},
    )
    assert json_format.render(reordered) == text


def test_empty_result() -> None:
    doc = doc_of(make_result())
    assert doc["findings"] == []
    assert doc["notifications"] == []
    assert doc["summary"]["total"] == 0
    assert doc["summary"]["by_severity"] == {"critical": 0, "high": 0, "medium": 0, "low": 0}


def _keys(value: Any, prefix: str = "") -> set[str]:
    """Every object key in ``value``, except inside free-form maps."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            if key not in ("evidence", "facts_summary"):
                out |= _keys(item)
    elif isinstance(value, list):
        for item in value:
            out |= _keys(item)
    return out


def test_every_field_is_documented() -> None:
    documented = set(
        re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    )
    used = _keys(doc_of(full_result()))
    # Value keys of the count maps are documented in prose, not as rows.
    used -= {
        "critical",
        "high",
        "medium",
        "low",
        "error",
        "warning",
        "note",
        "spoofing",
        "tampering",
        "repudiation",
        "information-disclosure",
        "denial-of-service",
        "elevation-of-privilege",
    }
    assert used - documented == set()
    assert documented - used == set()
