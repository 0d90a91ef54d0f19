"""Workspace discovery and reads: excludes, git state, symlink and size rules, limits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mlscan.errors import FileReadError, WorkspaceError
from mlscan.models import Notification
from mlscan.workspace import Workspace, WorkspaceOptions


def _touch(root: Path, rel: str, data: str | bytes = "x\n") -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        p.write_bytes(data)
    else:
        p.write_text(data, encoding="utf-8")
    return p


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _git_init(root: Path) -> None:
    _git(root, "init", "-q")
    _git(root, "config", "user.name", "Test")
    _git(root, "config", "user.email", "test@example.invalid")
    _git(root, "config", "commit.gpgsign", "false")


def _paths(ws: Workspace) -> list[str]:
    return [f.path for f in ws.files]


def _notes(ws: Workspace, kind: str) -> list[Notification]:
    return [n for n in ws.notifications if n.kind == kind]


# ------------------------------------------------------------------------- excludes
def test_hard_excludes(tmp_path: Path) -> None:
    for rel in (
        "src/train.py",
        ".dvc/config",
        ".dvc/cache/files/md5/ab/cdef",
        ".dvc/tmp/lock",
        "sub/.dvc/cache/x",
        "sub/.dvc/config",
        "node_modules/pkg/index.js",
        "web/node_modules/a.js",
        "env/pyvenv.cfg",
        "env/lib/site.py",
        "myvenv/pyvenv.cfg",
        ".venv/lib/a.py",
        "src/__pycache__/train.cpython-311.pyc",
        ".git/config",
        ".terraform/modules/m.tf",
    ):
        _touch(tmp_path, rel)
    ws = Workspace.discover(tmp_path)
    assert _paths(ws) == [".dvc/config", "src/train.py", "sub/.dvc/config"]


def test_discovery_is_sorted_and_relative_posix(tmp_path: Path) -> None:
    for rel in ("b.txt", "a/z.txt", "a/b/c.txt", "A.txt"):
        _touch(tmp_path, rel)
    ws = Workspace.discover(tmp_path)
    assert _paths(ws) == ["A.txt", "a/b/c.txt", "a/z.txt", "b.txt"]
    f = ws.get("a/b/c.txt")
    assert f is not None and f.size == 2 and f.name == "c.txt" and f.suffix == ".txt"
    assert ws.exists("b.txt") and not ws.exists("nope")


def test_exclude_globs_prune_whole_directories(tmp_path: Path) -> None:
    _touch(tmp_path, "vendor/lib/big.bin", b"0" * 100)
    _touch(tmp_path, "vendor/a.yaml")
    _touch(tmp_path, "third_party/x.json")
    _touch(tmp_path, "keep/vendor.yaml")
    _touch(tmp_path, "logs/a.log")
    _touch(tmp_path, "logs/a.txt")
    (tmp_path / "vendor" / "escape").symlink_to("/etc/hostname")
    opts = WorkspaceOptions(exclude=("vendor/**", "third_party/", "*.log"), max_file_size=10)
    ws = Workspace.discover(tmp_path, opts)
    assert _paths(ws) == ["keep/vendor.yaml", "logs/a.txt"]
    # nothing is reported about files the user excluded
    assert ws.notifications == []


def test_only_restricts_to_files_and_directories(tmp_path: Path) -> None:
    _touch(tmp_path, "a.yaml")
    _touch(tmp_path, "b.yaml")
    _touch(tmp_path, "dir/c.yaml")
    _touch(tmp_path, "dir/sub/d.yaml")
    _touch(tmp_path, "other/big.bin", b"0" * 100)
    ws = Workspace.discover(tmp_path, WorkspaceOptions(only=("b.yaml",), max_file_size=10))
    assert _paths(ws) == ["b.yaml"]
    assert ws.notifications == []  # the too-large file outside 'only' is not reported
    ws = Workspace.discover(tmp_path, WorkspaceOptions(only=("dir", "a.yaml")))
    assert _paths(ws) == ["a.yaml", "dir/c.yaml", "dir/sub/d.yaml"]
    ws = Workspace.discover(tmp_path, WorkspaceOptions(only=("dir/sub/d.yaml",)))
    assert _paths(ws) == ["dir/sub/d.yaml"]


def test_bad_roots(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.discover(tmp_path / "missing")
    f = _touch(tmp_path, "file.txt")
    with pytest.raises(WorkspaceError, match="not a directory"):
        Workspace.discover(f)


# ------------------------------------------------------------------------------ git
def test_git_tracked_and_ignored(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(tmp_path, ".gitignore", "*.log\ndata/\n.dvc/config.local\n")
    _touch(tmp_path, "src/train.py")
    _touch(tmp_path, "dvc.yaml")
    _touch(tmp_path, "debug.log")
    _touch(tmp_path, "forced.log")
    _touch(tmp_path, "data/raw/train.csv")
    _touch(tmp_path, "models/model.onnx")  # untracked, not ignored
    _touch(tmp_path, ".dvc/config")
    _touch(tmp_path, ".dvc/config.local")
    _git(tmp_path, "add", ".gitignore", "src/train.py", "dvc.yaml", ".dvc/config")
    _git(tmp_path, "add", "-f", "forced.log")
    _git(tmp_path, "commit", "-q", "-m", "init")
    ws = Workspace.discover(tmp_path)
    assert ws.in_git
    assert ws.tracked == frozenset(
        {".gitignore", "src/train.py", "dvc.yaml", ".dvc/config", "forced.log"}
    )
    assert ws.is_tracked("src/train.py") is True
    assert ws.is_tracked("models/model.onnx") is False
    ignored = {f.path for f in ws.files if f.git_ignored}
    assert ignored == {"debug.log", "data/raw/train.csv", ".dvc/config.local"}
    # a tracked file is never "ignored", even when a pattern matches it
    assert ws.is_git_ignored("forced.log") is False
    assert ws.is_git_ignored("debug.log") is True
    assert ws.is_git_ignored("models/model.onnx") is False
    # paths discovery did not list are asked of git
    assert ws.is_git_ignored("data/other.csv") is True
    assert ws.is_git_ignored("src/new.py") is False
    visible = [f.path for f in ws.candidates()]
    assert visible == [
        ".dvc/config",
        ".gitignore",
        "dvc.yaml",
        "forced.log",
        "models/model.onnx",
        "src/train.py",
    ]
    everything = [f.path for f in ws.candidates(include_ignored=True)]
    assert everything == _paths(ws)
    assert "data/raw/train.csv" in everything and "debug.log" in everything


def test_git_root_in_a_subdirectory(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(tmp_path, ".gitignore", "*.tmp\n")
    _touch(tmp_path, "outside.txt")
    _touch(tmp_path, "proj/a.txt")
    _touch(tmp_path, "proj/b.tmp")
    _touch(tmp_path, "proj/new.txt")
    _git(tmp_path, "add", "outside.txt", "proj/a.txt", ".gitignore")
    ws = Workspace.discover(tmp_path / "proj")
    assert _paths(ws) == ["a.txt", "b.tmp", "new.txt"]
    assert ws.tracked == frozenset({"a.txt"})
    assert [f.path for f in ws.candidates()] == ["a.txt", "new.txt"]


def test_outside_git_every_gitignore_is_honoured_with_git_semantics(tmp_path: Path) -> None:
    _touch(tmp_path, ".gitignore", "# comment\ndata/\n*.log\n!keep.log\nbuild\n")
    _touch(tmp_path, "data/a.csv")
    _touch(tmp_path, "build/out.bin")
    _touch(tmp_path, "x.log")
    _touch(tmp_path, "keep.log")
    _touch(tmp_path, "src/a.py")
    _touch(tmp_path, "src/.gitignore", "/gen_*.py\n")
    _touch(tmp_path, "src/gen_pb.py")
    _touch(tmp_path, "src/sub/gen_x.py")
    ws = Workspace.discover(tmp_path)
    assert ws.tracked is None and not ws.in_git
    assert ws.is_tracked("src/a.py") is None
    ignored = sorted(f.path for f in ws.files if f.git_ignored)
    # globs, negations, nested and anchored patterns as git reads them (pathspec)
    assert ignored == ["build/out.bin", "data/a.csv", "src/gen_pb.py", "x.log"]
    assert [f.path for f in ws.candidates()] == [
        ".gitignore", "keep.log", "src/.gitignore", "src/a.py", "src/sub/gen_x.py"]


def test_gitignore_can_be_switched_off(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(tmp_path, ".gitignore", "*.log\n")
    _touch(tmp_path, "a.log")
    ws = Workspace.discover(tmp_path, WorkspaceOptions(honour_gitignore=False))
    assert ws.tracked is None
    assert [f.path for f in ws.candidates()] == [".gitignore", "a.log"]


# ------------------------------------------------------------------------- symlinks
def test_symlinked_file_outside_root_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    outside = _touch(tmp_path, "secret.txt", "top secret\n")
    _touch(root, "a.txt")
    (root / "link.txt").symlink_to(outside)
    (root / "rel_link.txt").symlink_to(Path("..") / "secret.txt")
    ws = Workspace.discover(root)
    assert _paths(ws) == ["a.txt"]
    notes = _notes(ws, "symlink-escape")
    assert [n.path for n in notes] == ["link.txt", "rel_link.txt"]
    assert all(n.source == "workspace" and n.level == "note" for n in notes)
    assert "outside the scan root" in notes[0].message


def test_symlinked_directory_outside_root_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(tmp_path, "elsewhere/creds.ini")
    _touch(root, "a.txt")
    (root / "ext").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    ws = Workspace.discover(root)
    assert _paths(ws) == ["a.txt"]
    assert [(n.path, n.kind) for n in ws.notifications] == [("ext", "symlink-escape")]


def test_symlink_loop_inside_root_terminates(tmp_path: Path) -> None:
    _touch(tmp_path, "a/file.txt")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a" / "self").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "x").symlink_to(tmp_path / "y")
    (tmp_path / "y").symlink_to(tmp_path / "x")
    ws = Workspace.discover(tmp_path)
    assert _paths(ws) == ["a/file.txt"]
    assert [(n.path, n.kind) for n in ws.notifications] == [
        ("x", "unreadable"),
        ("y", "unreadable"),
    ]


def test_symlinked_directory_inside_root_is_listed_at_its_real_path(tmp_path: Path) -> None:
    _touch(tmp_path, "z_real/model.onnx")
    (tmp_path / "a_link").symlink_to(tmp_path / "z_real", target_is_directory=True)
    ws = Workspace.discover(tmp_path)
    # alphabetically the link comes first; the file is still listed once, at its real path
    assert _paths(ws) == ["z_real/model.onnx"]
    assert ws.notifications == []


def test_symlinked_file_inside_root_is_listed(tmp_path: Path) -> None:
    _touch(tmp_path, "real.yaml", "a: 1\n")
    (tmp_path / "alias.yaml").symlink_to("real.yaml")
    ws = Workspace.discover(tmp_path)
    assert [(f.path, f.is_symlink) for f in ws.files] == [
        ("alias.yaml", True),
        ("real.yaml", False),
    ]
    assert ws.read_text("alias.yaml") == "a: 1\n"


def test_broken_symlink_is_a_notification(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    ws = Workspace.discover(tmp_path)
    assert ws.files == ()
    assert [(n.path, n.kind) for n in ws.notifications] == [("dangling", "unreadable")]


def test_reads_refuse_paths_that_escape(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(tmp_path, "secret.txt", "top secret\n")
    _touch(tmp_path, "elsewhere/creds.ini")
    _touch(root, "ok.txt", "fine\n")
    ws = Workspace.discover(root)
    # links created after discovery are still refused at read time
    (root / "late.txt").symlink_to(tmp_path / "secret.txt")
    (root / "dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    for rel in ("late.txt", "dir/creds.ini", "../secret.txt", str(tmp_path / "secret.txt")):
        with pytest.raises(FileReadError) as err:
            ws.read_bytes(rel)
        assert err.value.kind == "symlink-escape"
        assert err.value.path == rel
        with pytest.raises(FileReadError) as err:
            ws.abspath(rel)
        assert err.value.kind == "symlink-escape"
        with pytest.raises(FileReadError):
            ws.read_text(rel)
    assert ws.abspath("ok.txt") == (root / "ok.txt").resolve()
    assert ws.read_bytes("ok.txt") == b"fine\n"


# ----------------------------------------------------------------------- size/limits
def test_too_large_file_is_listed_noted_and_never_read(tmp_path: Path) -> None:
    _touch(tmp_path, "big.bin", b"0" * 11)
    _touch(tmp_path, "small.bin", b"0" * 10)
    ws = Workspace.discover(tmp_path, WorkspaceOptions(max_file_size=10))
    assert _paths(ws) == ["big.bin", "small.bin"]
    notes = _notes(ws, "too-large")
    assert [n.path for n in notes] == ["big.bin"]
    assert "11 bytes is over the 10-byte limit" in notes[0].message
    with pytest.raises(FileReadError) as err:
        ws.read_bytes("big.bin")
    assert err.value.kind == "too-large"
    with pytest.raises(FileReadError) as err:
        ws.read_text("big.bin")
    assert err.value.kind == "too-large"
    assert ws.read_bytes("small.bin") == b"0" * 10
    # a caller may ask for a smaller limit
    with pytest.raises(FileReadError) as err:
        ws.read_bytes("small.bin", max_size=5)
    assert err.value.kind == "too-large"


def test_max_files_stops_discovery_with_a_notification(tmp_path: Path) -> None:
    for i in range(5):
        _touch(tmp_path, f"f{i}.txt")
    ws = Workspace.discover(tmp_path, WorkspaceOptions(max_files=3))
    assert len(ws.files) == 3
    notes = _notes(ws, "limit")
    assert len(notes) == 1
    assert notes[0].path == "." and "stopped discovery after 3 files" in notes[0].message
    ws = Workspace.discover(tmp_path, WorkspaceOptions(max_files=5))
    assert len(ws.files) == 5 and _notes(ws, "limit") == []


def test_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    ws = Workspace.discover(tmp_path)
    with pytest.raises(FileReadError) as err:
        ws.read_bytes("d")
    assert err.value.kind == "unreadable"
    with pytest.raises(FileReadError):
        ws.read_bytes("missing.txt")


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root reads files whatever their mode, so chmod 000 cannot make one unreadable",
)
def test_unreadable_file(tmp_path: Path) -> None:
    p = _touch(tmp_path, "locked.txt")
    p.chmod(0)
    try:
        ws = Workspace.discover(tmp_path)
        with pytest.raises(FileReadError) as err:
            ws.read_bytes("locked.txt")
        assert err.value.kind == "unreadable"
    finally:
        p.chmod(0o644)


def test_read_text_decodes_utf8_strips_bom_and_caches(tmp_path: Path) -> None:
    _touch(tmp_path, "bom.yaml", "\ufeffa: é\n".encode())
    _touch(tmp_path, "latin1.txt", b"caf\xe9\n")
    ws = Workspace.discover(tmp_path)
    assert ws.read_text("bom.yaml") == "a: é\n"
    with pytest.raises(FileReadError) as err:
        ws.read_text("latin1.txt")
    assert err.value.kind == "unreadable" and "byte 3" in err.value.reason
    (tmp_path / "bom.yaml").write_text("changed\n", encoding="utf-8")
    assert ws.read_text("bom.yaml") == "a: é\n"  # read once per scan
    assert ws.texts_read == {"bom.yaml": "a: é\n"}


def test_skipped_records_a_notification(tmp_path: Path) -> None:
    ws = Workspace.discover(tmp_path)
    note = ws.skipped("m.pkl", "not analysed", kind="skipped", source="artifacts")
    assert ws.notifications == [note]
    assert note.level == "note" and note.source == "artifacts"


def test_leading_double_star_exclude_matches_at_the_top_level(tmp_path: Path) -> None:
    _touch(tmp_path, "a.log")
    _touch(tmp_path, "sub/b.log")
    _touch(tmp_path, "sub/c.txt")
    ws = Workspace.discover(tmp_path, WorkspaceOptions(exclude=("**/*.log",)))
    assert _paths(ws) == ["sub/c.txt"]


def test_git_with_unicode_and_space_file_names(tmp_path: Path) -> None:
    _git_init(tmp_path)
    _touch(tmp_path, ".gitignore", "*.tmp\n")
    _touch(tmp_path, "données/modèle v1.onnx")
    _touch(tmp_path, "données/brouillon é.tmp")
    _git(tmp_path, "add", ".gitignore", "données/modèle v1.onnx")
    ws = Workspace.discover(tmp_path)
    assert ws.is_tracked("données/modèle v1.onnx") is True
    assert [f.path for f in ws.files if f.git_ignored] == ["données/brouillon é.tmp"]
