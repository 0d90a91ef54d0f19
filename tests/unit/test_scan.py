"""Scan orchestration: roots, fact collection, failing collectors, baselines, a full run."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from mlscan.collectors.base import CollectContext, CollectorOutput
from mlscan.errors import UsageError, WorkspaceError
from mlscan.models import Location
from mlscan.scan import (
    SCHEMA_VERSION,
    ScanOptions,
    collect_facts,
    facts_summary,
    load_baseline,
    resolve_root,
    run,
)
from mlscan.sourcemap import parse_yaml_documents
from mlscan.workspace import Workspace


class ListCollector:
    """Lists the workspace's candidate files."""

    family = "files"

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        paths = [f.path for f in ws.candidates()]
        return CollectorOutput(facts={"paths": paths}, files=tuple(reversed(paths)))


class BrokenCollector:
    family = "broken"

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        raise ValueError("boom")


class NeverCollector:
    family = "never"

    def applies(self, ws: Workspace) -> bool:
        return False

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        raise AssertionError("must not run")


class RemoteCollector:
    """Reads remotes.yaml through the workspace and reports each remote with its loc."""

    family = "tst"

    def applies(self, ws: Workspace) -> bool:
        return ws.exists("remotes.yaml")

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        (doc,) = parse_yaml_documents(ws.read_text("remotes.yaml"))
        remotes = []
        for name, node in doc.items():
            assert node.key_span is not None
            remotes.append(
                {"name": name, "url": node.value, "loc": node.key_span.loc("remotes.yaml")}
            )
        return CollectorOutput(facts={"remotes": remotes}, files=("remotes.yaml",))


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MLSCAN_DEBUG", raising=False)


def _touch(root: Path, rel: str, text: str = "x\n") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------- roots
def test_resolve_root_single_directory(tmp_path: Path) -> None:
    assert resolve_root([str(tmp_path)]) == (tmp_path, None)


def test_resolve_root_files_restrict_discovery_to_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path, "a.yaml")
    _touch(tmp_path, "sub/b.yaml")
    monkeypatch.chdir(tmp_path)
    root, only = resolve_root(["sub/b.yaml", "a.yaml", "./a.yaml"])
    assert root == tmp_path.resolve()
    assert only == ("a.yaml", "sub/b.yaml")
    assert resolve_root(["a.yaml"]) == (tmp_path.resolve(), ("a.yaml",))
    assert resolve_root(["a.yaml", "."]) == (tmp_path.resolve(), None)
    assert resolve_root([]) == (Path("."), None)


def test_resolve_root_rejects_missing_and_outside_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path, "proj/a.yaml")
    _touch(tmp_path, "other.yaml")
    monkeypatch.chdir(tmp_path / "proj")
    with pytest.raises(WorkspaceError, match="does not exist"):
        resolve_root(["a.yaml", "missing.yaml"])
    with pytest.raises(UsageError, match="outside the current directory"):
        resolve_root(["a.yaml", "../other.yaml"])


def test_several_directories_are_all_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _touch(tmp_path, "a/one.yaml")
    _touch(tmp_path, "b/two.yaml")
    _touch(tmp_path, "c/three.yaml")
    monkeypatch.chdir(tmp_path)
    fr = collect_facts(["a", "b"], collectors=[ListCollector()])
    assert fr.facts["files"]["paths"] == ["a/one.yaml", "b/two.yaml"]


# ------------------------------------------------------------------------- facts
def test_collect_facts_on_a_tree(tmp_path: Path) -> None:
    _touch(tmp_path, ".mlscan.yaml", "exclude: ['vendor/**']\n")
    _touch(tmp_path, "src/a.py")
    _touch(tmp_path, "vendor/lib.py")
    fr = collect_facts([str(tmp_path)], collectors=[ListCollector(), NeverCollector()])
    assert fr.root == tmp_path
    assert fr.config.exclude == ("vendor/**",)
    assert fr.facts == {
        "schema_version": SCHEMA_VERSION,
        "files": {"paths": [".mlscan.yaml", "src/a.py"]},
    }
    assert "never" not in fr.facts
    assert fr.files_by_family == {"files": (".mlscan.yaml", "src/a.py")}
    assert fr.notifications == ()
    assert facts_summary(fr.facts) == {"files.paths": 2}


def test_failing_collector_becomes_a_notification_and_others_still_run(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt")
    fr = collect_facts([str(tmp_path)], collectors=[BrokenCollector(), ListCollector()])
    assert fr.facts["broken"] == {}
    assert fr.facts["files"] == {"paths": ["a.txt"]}
    (note,) = fr.notifications
    assert note.kind == "collector-error"
    assert note.level == "error"
    assert note.source == "broken"
    assert note.path == "."
    assert "collector 'broken' failed: ValueError: boom" in note.message


def test_failing_collector_raises_in_debug_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLSCAN_DEBUG", "1")
    with pytest.raises(ValueError, match="boom"):
        collect_facts([str(tmp_path)], collectors=[BrokenCollector()])


def test_workspace_notifications_are_merged_and_sorted(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt")
    (tmp_path / "z-dangling").symlink_to(tmp_path / "nowhere")
    fr = collect_facts([str(tmp_path)], collectors=[BrokenCollector()])
    assert [(n.path, n.kind) for n in fr.notifications] == [
        (".", "collector-error"),
        ("z-dangling", "unreadable"),
    ]


# ---------------------------------------------------------------------- baseline
def test_load_baseline_from_minimal_sarif(tmp_path: Path) -> None:
    sarif = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "mlscan"}},
                "results": [
                    {"ruleId": "A", "partialFingerprints": {"mlscan/v1": "fp-one"}},
                    {"ruleId": "B", "partialFingerprints": {"other/v1": "x"}},
                    {"ruleId": "C"},
                ],
            },
            {"results": [{"partialFingerprints": {"mlscan/v1": "fp-two"}}]},
            {},
        ],
    }
    p = tmp_path / "base.sarif"
    p.write_text(json.dumps(sarif), encoding="utf-8")
    assert load_baseline(str(p)) == frozenset({"fp-one", "fp-two"})


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"runs": [5]}'])
def test_load_baseline_rejects_bad_files(tmp_path: Path, content: str) -> None:
    p = tmp_path / "bad.sarif"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match="not a readable SARIF file"):
        load_baseline(str(p))
    with pytest.raises(UsageError):
        load_baseline(str(tmp_path / "missing.sarif"))


@pytest.mark.parametrize("content", ['{"runs": null}', '{"runs": [{"results": null}]}'])
def test_load_baseline_null_lists_are_usage_errors(tmp_path: Path, content: str) -> None:
    p = tmp_path / "null.sarif"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError):
        load_baseline(str(p))


# ---------------------------------------------------------------------- full run
POLICY = """\
# METADATA
# title: Plain HTTP remote
# custom:
#   id: MLS-TST-101
#   severity: high
#   stride: [tampering]
package mlscan.controls.tst.http_remote

import rego.v1

deny contains v if {
	some r in input.tst.remotes
	startswith(r.url, "http://")
	v := {"msg": sprintf("remote %s uses plain HTTP", [r.name]), "loc": r.loc, "asset": r.name}
}
"""


def test_run_end_to_end_with_a_user_policy_and_inline_suppression(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    _touch(
        proj,
        "remotes.yaml",
        "safe: https://a\n"
        "open: http://b\n"
        '# mlscan:ignore[MLS-TST-101] reason="mirror on the VPN"\n'
        "mirror: http://c\n",
    )
    _touch(tmp_path, "policies/http.rego", POLICY)
    result = run(
        ScanOptions(
            paths=(str(proj),),
            policy_dirs=(str(tmp_path / "policies"),),
            collectors=(RemoteCollector(),),
            today=dt.date(2027, 1, 1),
        )
    )
    findings = [f for f in result.findings if f.control.id == "MLS-TST-101"]
    assert [(f.location, f.asset, f.suppressed) for f in findings] == [
        (
            Location(path="remotes.yaml", start_line=2, start_col=1, end_line=2, end_col=5),
            "open",
            False,
        ),
        (
            Location(path="remotes.yaml", start_line=4, start_col=1, end_line=4, end_col=7),
            "mirror",
            True,
        ),
    ]
    assert findings[0].message == "remote open uses plain HTTP"
    assert findings[1].suppression is not None
    assert findings[1].suppression.justification == "mirror on the VPN"
    assert "MLS-TST-101" in [c.id for c in result.controls]
    assert result.facts_summary["tst.remotes"] == 3
    assert result.root == proj.resolve().as_posix()
    assert result.automation_id == "mlscan/proj/"
