"""DVC pipeline facts (stages, outputs, dependencies), workspace verification and
controls MLS-DVC-001/002/003/007 on real ``dvc add`` / ``dvc repro`` / ``dvc import``
repositories. Nothing here touches the network: remotes and sources are local paths."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from mlscan.collectors.base import CollectContext
from mlscan.collectors.dvc.collector import DvcCollector
from mlscan.config import Config
from mlscan.workspace import Workspace, WorkspaceOptions
from tests.collectors.test_dvc_helpers import (
    collect,
    hits,
    init_repo,
    line_of,
    needs_dvc,
    one,
    scan,
    sh,
)

pytestmark = needs_dvc


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _dir_md5(entries: dict[str, bytes], dos2unix: bool = False) -> str:
    """DVC's directory hash, written out independently of the code under test: md5 of
    the JSON list of {md5, relpath}, sorted by relpath, keys sorted."""
    rows = [
        {"md5": _md5(data.replace(b"\r\n", b"\n") if dos2unix else data), "relpath": rel}
        for rel, data in sorted(entries.items())
    ]
    return _md5(json.dumps(rows, sort_keys=True).encode()) + ".dir"


# ------------------------------------------------------------------ dvc.yaml / dvc.lock
def _pipeline(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    (repo / "raw.csv").write_text("a,b\n1,2\n")
    (repo / "dvc.yaml").write_text(
        "stages:\n"
        "  prepare:\n"
        "    cmd: cp raw.csv clean.csv\n"
        "    deps:\n"
        "    - raw.csv\n"
        "    outs:\n"
        "    - clean.csv\n"
    )
    sh(repo, "dvc", "repro", "-q")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "pipeline")
    return repo


def test_locked_stage_facts_and_match(tmp_path: Path) -> None:
    repo = _pipeline(tmp_path)
    lock = repo / "dvc.lock"
    facts, notes = collect(repo)
    assert notes == ()
    assert facts["stages"] == [
        {
            "name": "prepare",
            "file": "dvc.yaml",
            "cmd": "cp raw.csv clean.csv",
            "wdir": None,
            "deps": ["raw.csv"],
            "outs": ["clean.csv"],
            "metrics": [],
            "plots": [],
            "frozen": False,
            "templated": False,
            "locked": True,
            "loc": {"path": "dvc.yaml", "line": 2, "col": 3, "end_line": 2, "end_col": 10},
        }
    ]
    out = one(facts["outputs"], path="clean.csv")
    path_line = line_of(lock, "path: clean.csv")
    digest = _md5(b"a,b\n1,2\n")
    assert out == {
        "path": "clean.csv",
        "declared_path": "clean.csv",
        "scheme": "local",
        "external": False,
        "source": "dvc.lock",
        "source_kind": "dvc_lock",
        "stage": "prepare",
        "hash_name": "md5",
        "hash_value": digest,
        "is_dir": False,
        "size": 8,
        "nfiles": None,
        "files_recorded": None,
        "cache": True,
        "frozen": False,
        "imported": False,
        "loc": {
            "path": "dvc.lock",
            "line": path_line,
            "col": 7,
            "end_line": path_line,
            "end_col": 22,
        },
        "hash_loc": out["hash_loc"],
        "workspace_state": "match",
        "workspace_md5": digest,
        "workspace_changes": None,
        "repo_root": "",
    }
    assert (
        out["hash_loc"]["line"] == line_of(lock, f"md5: {digest}") + 5
    )  # the outs entry, not the dep
    dep = one(facts["dependencies"], path="raw.csv")
    assert (
        dep["has_checksum"],
        dep["external"],
        dep["repo"],
        dep["import_url"],
        dep["loc"]["line"],
    ) == (
        True,
        False,
        None,
        False,
        line_of(lock, "path: raw.csv"),
    )
    assert scan(repo) == []


def test_tampered_pipeline_output(tmp_path: Path) -> None:
    repo = _pipeline(tmp_path)
    (repo / "clean.csv").write_text("a,b\n1,999\n")
    facts, _ = collect(repo)
    out = one(facts["outputs"], path="clean.csv")
    assert out["workspace_state"] == "mismatch"
    assert out["workspace_md5"] == _md5(b"a,b\n1,999\n")
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-007", "dvc.lock", line_of(repo / "dvc.lock", "path: clean.csv"), 7)
    ]
    recorded, actual = _md5(b"a,b\n1,2\n")[:12], _md5(b"a,b\n1,999\n")[:12]
    assert findings[0].message == (
        f"DVC-tracked file 'clean.csv' differs from the hash recorded in dvc.lock "
        f"(recorded {recorded}, workspace {actual})"
    )
    assert [r.path for r in findings[0].related] == ["clean.csv"]


def test_lock_without_hashes_and_unlocked_stage(tmp_path: Path) -> None:
    repo = _pipeline(tmp_path)
    lock = repo / "dvc.lock"
    lock.write_text(
        "\n".join(x for x in lock.read_text().splitlines() if "  md5: " not in x) + "\n"
    )
    with (repo / "dvc.yaml").open("a") as fh:
        fh.write(
            "  train:\n    cmd: python train.py\n"
            "    deps:\n    - clean.csv\n    outs:\n    - model.pkl\n"
        )
    facts, notes = collect(repo)
    assert notes == ()
    out = one(facts["outputs"], path="clean.csv")
    assert (out["hash_name"], out["hash_value"], out["workspace_state"]) == ("md5", None, None)
    model = one(facts["outputs"], path="model.pkl")
    assert (model["source_kind"], model["stage"], model["workspace_state"]) == (
        "dvc_yaml",
        "train",
        "absent",
    )
    assert one(facts["stages"], name="train")["locked"] is False
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-001", "dvc.lock", line_of(lock, "path: clean.csv"), 7),
        ("MLS-DVC-001", "dvc.yaml", line_of(repo / "dvc.yaml", "- model.pkl"), 7),
    ]
    assert "not recorded in dvc.lock" in sorted(f.message for f in findings)[1]


# ---------------------------------------------------------------- directory outputs
def _data_dir(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    repo = init_repo(tmp_path / "repo")
    files = {"a.csv": b"x,y\n1,2\n", "sub/b.bin": bytes(range(256)), "c.txt": b"hello\n"}
    for rel, data in files.items():
        target = repo / "data" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (repo / ".dvcignore").write_text("*.tmp\n")
    sh(repo, "dvc", "add", "-q", "data")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "data")
    return repo, files


def test_directory_output_matches_dvc_add(tmp_path: Path) -> None:
    repo, files = _data_dir(tmp_path)
    (repo / "data" / "scratch.tmp").write_text("ignored by .dvcignore\n")
    recorded = line_of(repo / "data.dvc", "md5:")
    facts, _ = collect(repo)
    out = one(facts["outputs"], path="data")
    dvc_file_hash = (repo / "data.dvc").read_text().splitlines()[recorded - 1].split("md5: ")[1]
    assert dvc_file_hash == _dir_md5(files)  # our independent reading of DVC's format
    assert (out["is_dir"], out["nfiles"], out["hash_name"], out["hash_value"]) == (
        True,
        3,
        "md5",
        dvc_file_hash,
    )
    assert (out["workspace_state"], out["workspace_md5"]) == ("match", dvc_file_hash)
    assert out["loc"] == {"path": "data.dvc", "line": 6, "col": 3, "end_line": 6, "end_col": 13}
    assert scan(repo) == []


def test_directory_output_tampered(tmp_path: Path) -> None:
    repo, files = _data_dir(tmp_path)
    (repo / "data" / "a.csv").write_bytes(b"x,y\n1,3\n")
    (repo / "data" / "sub" / "injected.csv").write_bytes(b"poison\n")
    facts, _ = collect(repo)
    out = one(facts["outputs"], path="data")
    changed = {**files, "a.csv": b"x,y\n1,3\n", "sub/injected.csv": b"poison\n"}
    assert (out["workspace_state"], out["workspace_md5"]) == ("mismatch", _dir_md5(changed))
    assert out["workspace_changes"] == {
        "added": ["sub/injected.csv"],
        "removed": [],
        "modified": ["a.csv"],
        "added_count": 1,
        "removed_count": 0,
        "modified_count": 1,
    }
    findings = scan(repo)
    assert hits(findings) == [("MLS-DVC-007", "data.dvc", 6, 3)]
    assert findings[0].message.startswith(
        "DVC-tracked directory 'data' differs from the hash recorded in data.dvc"
    )
    assert findings[0].message.endswith(": 1 added, 0 removed, 1 modified")


def test_directory_output_file_removed_without_cache(tmp_path: Path) -> None:
    repo, files = _data_dir(tmp_path)
    (repo / "data" / "c.txt").unlink()
    shutil.rmtree(repo / ".dvc" / "cache")
    facts, _ = collect(repo)
    out = one(facts["outputs"], path="data")
    del files["c.txt"]
    assert (out["workspace_state"], out["workspace_md5"], out["workspace_changes"]) == (
        "mismatch",
        _dir_md5(files),
        None,  # no manifest in the cache to name the change
    )
    assert hits(scan(repo)) == [("MLS-DVC-007", "data.dvc", 6, 3)]


def test_absent_outputs_are_not_flagged(tmp_path: Path) -> None:
    repo, _ = _data_dir(tmp_path)
    (repo / "model.bin").write_bytes(b"\x00weights")
    sh(repo, "dvc", "add", "-q", "model.bin")
    shutil.rmtree(repo / "data")
    (repo / "model.bin").unlink()
    facts, _ = collect(repo)
    assert {o["path"]: o["workspace_state"] for o in facts["outputs"]} == {
        "data": "absent",
        "model.bin": "absent",
    }
    assert scan(repo) == []


def test_git_ignored_output_is_still_checked(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "model.bin").write_bytes(b"\x00weights")
    sh(repo, "dvc", "add", "-q", "model.bin")
    assert "/model.bin" in (repo / ".gitignore").read_text()
    (repo / "model.bin").write_bytes(b"\x00backdoored")
    facts, _ = collect(repo)
    assert one(facts["outputs"], path="model.bin")["workspace_state"] == "mismatch"
    assert hits(scan(repo)) == [
        ("MLS-DVC-007", "model.bin.dvc", line_of(repo / "model.bin.dvc", "path:"), 3)
    ]


# ------------------------------------------------------------------- DVC 2 entries
def test_legacy_md5_dos2unix_file(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    crlf = b"id,label\r\n1,spam\r\n"
    (repo / "labels.csv").write_bytes(crlf)
    blob_bytes = b"\x00\x01\r\n\x02"
    (repo / "blob.bin").write_bytes(blob_bytes)
    dos = _md5(crlf.replace(b"\r\n", b"\n"))
    # DVC 2 wrote no "hash:" field and hashed text files after CRLF -> LF
    (repo / "labels.csv.dvc").write_text(f"outs:\n- md5: {dos}\n  size: 18\n  path: labels.csv\n")
    (repo / "blob.bin.dvc").write_text(f"outs:\n- md5: {_md5(blob_bytes)}\n  path: blob.bin\n")
    # a DVC 3 entry with the same dos2unix value is a mismatch: DVC 3 hashes raw bytes
    (repo / "copy.csv").write_bytes(crlf)
    (repo / "copy.csv.dvc").write_text(f"outs:\n- md5: {dos}\n  hash: md5\n  path: copy.csv\n")
    facts, _ = collect(repo)
    labels = one(facts["outputs"], path="labels.csv")
    assert (labels["hash_name"], labels["workspace_state"], labels["workspace_md5"]) == (
        "md5-dos2unix",
        "match",
        dos,
    )
    blob = one(facts["outputs"], path="blob.bin")
    assert (blob["hash_name"], blob["workspace_state"]) == ("md5-dos2unix", "match")
    copy = one(facts["outputs"], path="copy.csv")
    assert (copy["hash_name"], copy["workspace_state"], copy["workspace_md5"]) == (
        "md5",
        "mismatch",
        _md5(crlf),
    )
    assert hits(scan(repo)) == [("MLS-DVC-007", "copy.csv.dvc", 4, 3)]
    # the same legacy file, edited: still compared the dos2unix way
    (repo / "labels.csv").write_bytes(b"id,label\r\n1,ham\r\n")
    assert hits(scan(repo)) == [
        ("MLS-DVC-007", "copy.csv.dvc", 4, 3),
        ("MLS-DVC-007", "labels.csv.dvc", 4, 3),
    ]


def test_legacy_directory_output(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    files = {"train.csv": b"a\r\nb\r\n", "img.bin": b"\x89PNG\r\n\x1a\n"}
    for rel, data in files.items():
        (repo / "ds").mkdir(exist_ok=True)
        (repo / "ds" / rel).write_bytes(data)
    legacy = _dir_md5(files, dos2unix=True)
    assert legacy != _dir_md5(files)
    (repo / "ds.dvc").write_text(f"outs:\n- md5: {legacy}\n  size: 14\n  nfiles: 2\n  path: ds\n")
    facts, _ = collect(repo)
    out = one(facts["outputs"], path="ds")
    assert (out["hash_name"], out["is_dir"], out["workspace_state"], out["workspace_md5"]) == (
        "md5-dos2unix",
        True,
        "match",
        legacy,
    )
    assert scan(repo) == []


def test_inline_files_manifest(tmp_path: Path) -> None:
    """Outputs on a version-aware remote record a ``files`` list instead of a .dir hash."""
    repo = init_repo(tmp_path / "repo")
    files = {"a.csv": b"1\n", "b/c.csv": b"2\n"}
    for rel, data in files.items():
        (repo / "ds" / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / "ds" / rel).write_bytes(data)
    rows = "".join(
        f"  - relpath: {rel}\n    md5: {_md5(data)}\n    size: {len(data)}\n"
        f"    cloud:\n      versioned:\n        etag: e{i}\n        version_id: v{i}\n"
        for i, (rel, data) in enumerate(sorted(files.items()))
    )
    (repo / "ds.dvc").write_text(f"outs:\n- path: ds\n  hash: md5\n  files:\n{rows}")
    facts, notes = collect(repo)
    assert notes == ()
    out = one(facts["outputs"], path="ds")
    assert (out["is_dir"], out["hash_value"], out["files_recorded"], out["workspace_state"]) == (
        True,
        None,
        2,
        "match",
    )
    assert "_recorded_files" not in out
    assert scan(repo) == []
    (repo / "ds" / "b" / "c.csv").write_bytes(b"3\n")
    facts, _ = collect(repo)
    out = one(facts["outputs"], path="ds")
    assert (out["workspace_state"], out["workspace_changes"]["modified"]) == (
        "mismatch",
        ["b/c.csv"],
    )
    assert hits(scan(repo)) == [("MLS-DVC-007", "ds.dvc", 2, 3)]


# ------------------------------------------------------------------------- imports
def _source_repo(tmp_path: Path) -> Path:
    src = init_repo(tmp_path / "src")
    (src / "features.csv").write_text("f1,f2\n0.1,0.2\n")
    sh(src, "dvc", "add", "-q", "features.csv")
    sh(src, "git", "add", "-A")
    sh(src, "git", "commit", "-qm", "features")
    return src


def test_import_url_no_exec_and_pinned(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "raw.csv").write_text("r\n1\n")
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "import-url", "-q", "--no-exec", str(outside / "raw.csv"), "lazy.csv")
    sh(repo, "dvc", "import-url", "-q", str(outside / "raw.csv"), "pinned.csv")
    facts, _ = collect(repo)
    lazy = one(facts["dependencies"], source="lazy.csv.dvc")
    assert (
        lazy["import_url"],
        lazy["no_exec"],
        lazy["has_checksum"],
        lazy["external"],
        lazy["repo"],
    ) == (
        True,
        True,
        False,
        True,
        None,
    )
    pinned = one(facts["dependencies"], source="pinned.csv.dvc")
    assert (pinned["import_url"], pinned["no_exec"], pinned["has_checksum"]) == (True, False, True)
    assert one(facts["outputs"], path="pinned.csv")["workspace_state"] == "match"
    dep_line = line_of(repo / "lazy.csv.dvc", "path: ")
    out_line = line_of(repo / "lazy.csv.dvc", "path: lazy.csv")
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-001", "lazy.csv.dvc", out_line, 3),
        ("MLS-DVC-002", "lazy.csv.dvc", dep_line, 3),
    ]
    assert "--no-exec" in {f.control.id: f for f in findings}["MLS-DVC-002"].message


def test_external_dependency_over_http_in_lock(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "dvc.lock").write_text(
        "schema: '2.0'\n"
        "stages:\n"
        "  fetch:\n"
        "    cmd: python fetch.py\n"
        "    deps:\n"
        "    - path: http://data.example.com/train.csv\n"
        "      hash: md5\n"
        "      etag: '\"abc123\"'\n"
        "    - path: https://data.example.com/test.csv\n"
        "    outs:\n"
        "    - path: train.csv\n"
        "      hash: md5\n"
        "      md5: 0123456789abcdef0123456789abcdef\n"
    )
    facts, _ = collect(repo)
    http = one(facts["dependencies"], path="http://data.example.com/train.csv")
    assert (http["scheme"], http["has_checksum"], http["hash_name"], http["stage"]) == (
        "http",
        True,
        "etag",
        "fetch",
    )
    https = one(facts["dependencies"], path="https://data.example.com/test.csv")
    assert (https["scheme"], https["has_checksum"]) == ("https", False)
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-002", "dvc.lock", 6, 7),
        ("MLS-DVC-002", "dvc.lock", 9, 7),
    ]
    assert sorted(f.message for f in findings) == [
        "external dependency 'http://data.example.com/train.csv' of stage 'fetch' in dvc.lock "
        "is fetched over plaintext HTTP",
        "external dependency 'https://data.example.com/test.csv' of stage 'fetch' in dvc.lock "
        "has no pinned checksum (md5/etag)",
    ]


def test_dvc_import_with_and_without_rev_lock(tmp_path: Path) -> None:
    src = _source_repo(tmp_path)
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "import", "-q", str(src), "features.csv", "-o", "locked.csv")
    sh(repo, "dvc", "import", "-q", "--no-exec", str(src), "features.csv", "-o", "floating.csv")
    facts, _ = collect(repo)
    locked = one(facts["dependencies"], source="locked.csv.dvc")
    head = sh(src, "git", "rev-parse", "HEAD").strip()
    assert locked["repo"] == {
        "url": str(src),
        "rev": None,
        "rev_lock": head,
        "loc": {
            "path": "locked.csv.dvc",
            "line": line_of(repo / "locked.csv.dvc", "repo:"),
            "col": 3,
            "end_line": line_of(repo / "locked.csv.dvc", "repo:"),
            "end_col": 7,
        },
    }
    assert one(facts["outputs"], path="locked.csv")["workspace_state"] == "match"
    floating = one(facts["dependencies"], source="floating.csv.dvc")
    assert (floating["repo"]["rev_lock"], floating["no_exec"]) == (None, True)
    repo_line = line_of(repo / "floating.csv.dvc", "repo:")
    findings = scan(repo)
    assert hits(findings) == [
        (
            "MLS-DVC-001",
            "floating.csv.dvc",
            line_of(repo / "floating.csv.dvc", "path: floating.csv"),
            3,
        ),
        ("MLS-DVC-003", "floating.csv.dvc", repo_line, 3),
    ]
    (f003,) = [f for f in findings if f.control.id == "MLS-DVC-003"]
    assert f003.severity == "medium"
    assert f003.message == (
        f"'dvc import' of 'features.csv' from {src} in floating.csv.dvc is not locked to a commit "
        "(no rev_lock); it follows the default branch"
    )


# ---------------------------------------------------------------------- bad files
def test_bad_dvc_files_become_notifications(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "good.bin").write_bytes(b"ok")
    sh(repo, "dvc", "add", "-q", "good.bin")
    (repo / "broken.dvc").write_text("outs:\n- path: x\n  md5: [unclosed\n")
    (repo / "wrongtype.dvc").write_text("outs: 5\n")
    (repo / "nopath.dvc").write_text("outs:\n- md5: 0123456789abcdef0123456789abcdef\n")
    facts, notes = collect(repo)
    # broken.dvc is not YAML: the parse cache owns its one notification (source "parse")
    assert [(n.path, n.line, n.kind) for n in notes] == [
        ("nopath.dvc", 2, "parse-error"),
        ("wrongtype.dvc", 1, "parse-error"),
    ]
    assert "must be a list" in notes[1].message
    ws = Workspace.discover(repo)
    ctx = CollectContext.create(ws, config=Config())
    DvcCollector().collect(ws, ctx)
    assert [(n.path, n.line, n.source) for n in ctx.parsed.notifications] == [
        ("broken.dvc", 4, "parse")]
    assert [o["path"] for o in facts["outputs"]] == ["good.bin"]
    assert one(facts["outputs"], path="good.bin")["workspace_state"] == "match"


def test_subdir_project_and_stage_wdir(tmp_path: Path) -> None:
    """A DVC project in a subfolder of a git monorepo, with a stage that has a wdir:
    facts carry paths relative to the scan root."""
    mono = tmp_path / "mono"
    mono.mkdir()
    sh(mono, "git", "init", "-q")
    proj = mono / "proj"
    proj.mkdir()
    sh(proj, "dvc", "init", "-q", "--subdir")
    (proj / "work").mkdir()
    (proj / "work" / "in.txt").write_text("hi\n")
    (proj / "dvc.yaml").write_text(
        "stages:\n  s:\n    wdir: work\n    cmd: cp in.txt out.txt\n"
        "    deps:\n    - in.txt\n    outs:\n    - out.txt\n"
    )
    sh(proj, "dvc", "repro", "-q")
    sh(proj, "dvc", "remote", "add", "-d", "st", "http://dvc.internal/p")
    (proj / "work" / "out.txt").write_text("changed\n")
    facts, notes = collect(mono)
    assert notes == ()
    assert facts["projects"] == [
        {
            "root": "proj",
            "has_config": True,
            "in_git": True,
            "dvc_gitignore": "proj/.dvc/.gitignore",
            "dvc_gitignore_loc": {
                "path": "proj/.dvc/.gitignore",
                "line": 1,
                "col": 1,
                "end_line": 1,
                "end_col": 14,
            },
            "config_local_exists": False,
            "config_local_ignored": True,
        }
    ]
    assert [(o["path"], o["source"], o["workspace_state"]) for o in facts["outputs"]] == [
        ("proj/work/out.txt", "proj/dvc.lock", "mismatch")
    ]
    assert [d["path"] for d in facts["dependencies"]] == ["proj/work/in.txt"]
    remote = one(facts["remotes"], name="st")
    assert (remote["repo_root"], remote["config"], remote["is_default"]) == (
        "proj",
        "proj/.dvc/config",
        True,
    )
    lock = proj / "dvc.lock"
    assert hits(scan(mono)) == [
        ("MLS-DVC-006", "proj/.dvc/config", line_of(proj / ".dvc" / "config", "url ="), 5),
        ("MLS-DVC-007", "proj/dvc.lock", line_of(lock, "path: out.txt"), 7),
    ]


def _collect_with(path: Path, options: WorkspaceOptions) -> tuple[dict[str, Any], list[str]]:
    ws = Workspace.discover(path, options)
    out = DvcCollector().collect(ws, CollectContext.create(ws, config=Config()))
    return out.facts, [n.message for n in out.notifications]


def test_partial_discovery_does_not_compare_directories(tmp_path: Path) -> None:
    """Pre-commit passes only some files, or discovery hits max_files: the files of a
    directory output that were not seen must not look removed."""
    repo, _ = _data_dir(tmp_path)
    facts, notes = _collect_with(repo, WorkspaceOptions(only=("data.dvc", "data/a.csv")))
    out = one(facts["outputs"], path="data")
    assert (out["workspace_state"], out["workspace_md5"]) == (None, None)
    assert notes == [
        "DVC directory output 'data' was not compared: only some files were given to scan"
    ]
    # a .dvc file sorts before its directory, so discovery stops inside data/
    (repo / "data.dvc").rename(repo / "a_data.dvc")
    facts, notes = _collect_with(repo, WorkspaceOptions(max_files=6))
    assert one(facts["outputs"], path="data")["workspace_state"] is None
    assert (
        "DVC directory output 'data' was not compared: discovery stopped at limits.max_files"
        in notes
    )


def test_output_replaced_by_symlink_out_of_root(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "model.bin").write_bytes(b"\x00weights")
    sh(repo, "dvc", "add", "-q", "model.bin")
    outside = tmp_path / "elsewhere.bin"
    outside.write_bytes(b"\x00weights")
    (repo / "model.bin").unlink()
    (repo / "model.bin").symlink_to(outside)
    facts, _ = collect(repo)
    assert one(facts["outputs"], path="model.bin")["workspace_state"] == "unreadable"
    assert scan(repo) == []
