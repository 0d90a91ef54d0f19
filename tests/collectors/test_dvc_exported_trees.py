"""MLS-DVC-004 on DVC projects scanned without git metadata (an unpacked archive, a
copied project directory) and on placeholder key files; fixtures in tests/fixtures/dvc.

Outside a git work tree, .gitignore rules cannot say whether a file was committed: a
credential that is present in the tree ships with it. A key file that holds no key
(an empty JSON object kept so the path exists) leaks nothing, in git or not."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.collectors.test_dvc_helpers import collect, hits, one, scan, sh

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dvc"


def _copy(name: str, tmp_path: Path) -> Path:
    """The fixture, copied outside the mlscan checkout (so outside any git work tree)."""
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest)
    return dest


def _git(repo: Path, *force: str) -> None:
    sh(repo, "git", "init", "-q", "-b", "main")
    sh(repo, "git", "add", "-A")
    for path in force:
        sh(repo, "git", "add", "-f", path)
    sh(repo, "git", "commit", "-qm", "fixture")


def test_local_credentials_outside_git_are_reported(tmp_path: Path) -> None:
    tree = _copy("exported_local_credentials", tmp_path)
    facts, _ = collect(tree)
    local = one(facts["configs"], path=".dvc/config.local")
    assert (local["tracked_by_git"], local["gitignore_covers_local"]) == (None, True)
    findings = scan(tree)
    assert hits(findings) == [("MLS-DVC-004", ".dvc/config.local", 4, 5)]
    (finding,) = findings
    assert finding.asset == "team"
    assert "without git metadata" in finding.message
    assert "fixture-only-not-a-real-token" not in finding.message


def test_local_credentials_kept_out_of_git_stay_silent(tmp_path: Path) -> None:
    """The intended use of config.local: in a git work tree, ignored and untracked."""
    tree = _copy("exported_local_credentials", tmp_path)
    _git(tree)
    facts, _ = collect(tree)
    local = one(facts["configs"], path=".dvc/config.local")
    assert (local["tracked_by_git"], local["gitignore_covers_local"]) == (False, True)
    assert scan(tree) == []


def test_committed_local_credentials_still_reported_in_git(tmp_path: Path) -> None:
    tree = _copy("exported_local_credentials", tmp_path)
    _git(tree, ".dvc/config.local")
    assert hits(scan(tree)) == [
        ("MLS-DVC-004", ".dvc/config.local", 4, 5),
        ("MLS-DVC-005", ".dvc/config.local", 1, 1),
    ]


def test_ignored_key_file_outside_git_is_reported(tmp_path: Path) -> None:
    tree = _copy("exported_key_file", tmp_path)
    facts, _ = collect(tree)
    (remote,) = facts["remotes"]
    (cred,) = remote["credential_files"]
    assert (
        cred["workspace_path"],
        cred["tracked_by_git"],
        cred["git_ignored"],
        cred["has_key_material"],
    ) == ("secrets/drive-sa.json", None, True, True)
    findings = scan(tree)
    assert hits(findings) == [("MLS-DVC-004", ".dvc/config.local", 2, 5)]
    assert "without git metadata" in findings[0].message
    assert "FIXTUREONLY" not in str(facts)


def test_ignored_key_file_in_git_stays_silent(tmp_path: Path) -> None:
    tree = _copy("exported_key_file", tmp_path)
    _git(tree)
    assert scan(tree) == []


def test_placeholder_key_file_outside_git_is_silent(tmp_path: Path) -> None:
    tree = _copy("placeholder_key_file", tmp_path)
    facts, _ = collect(tree)
    (cred,) = facts["remotes"][0]["credential_files"]
    assert (cred["workspace_path"], cred["exists"], cred["has_key_material"]) == (
        "drive-sa.json",
        True,
        False,
    )
    assert scan(tree) == []


def test_committed_placeholder_key_file_is_not_a_credential(tmp_path: Path) -> None:
    """Both files committed: the tracked config.local is still reported (the next
    'dvc remote modify --local' would be committed), the empty key file is not."""
    tree = _copy("placeholder_key_file", tmp_path)
    _git(tree, ".dvc/config.local", "drive-sa.json")
    facts, _ = collect(tree)
    (cred,) = facts["remotes"][0]["credential_files"]
    assert (cred["tracked_by_git"], cred["has_key_material"]) == (True, False)
    assert hits(scan(tree)) == [("MLS-DVC-005", ".dvc/config.local", 1, 1)]


def test_committed_real_key_file_is_reported(tmp_path: Path) -> None:
    tree = _copy("exported_key_file", tmp_path)
    _git(tree, "secrets/drive-sa.json", ".dvc/config.local")
    findings = scan(tree)
    assert hits(findings) == [
        ("MLS-DVC-004", ".dvc/config.local", 2, 5),
        ("MLS-DVC-005", ".dvc/config.local", 1, 1),
    ]
    by_id = {f.control.id: f for f in findings}
    assert "committed in the repository" in by_id["MLS-DVC-004"].message
