"""DVC config facts (configs, remotes) and controls MLS-DVC-004/005/006 on real
``dvc init`` repositories configured with ``dvc remote add/modify``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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

# (remote url, option, planted value): every secret-bearing option DVC accepts
SECRETS = [
    ("s3://bucket/dvc", "access_key_id", "AKIAPLANTEDKEYID0001"),
    ("s3://bucket/dvc", "secret_access_key", "planted-secret-access-key-0002"),
    ("s3://bucket/dvc", "session_token", "planted-session-token-0003"),
    ("s3://bucket/dvc", "sse_customer_key", "planted-sse-customer-key-0004"),
    ("azure://container/dvc", "account_key", "planted-account-key-0005"),
    ("azure://container/dvc", "sas_token", "planted-sas-token-0006"),
    ("azure://container/dvc", "connection_string", "AccountKey=planted-conn-0007"),
    ("azure://container/dvc", "client_secret", "planted-client-secret-0008"),
    ("ssh://user@host/dvc", "password", "planted-ssh-password-0009"),
    ("ssh://user@host/dvc", "passphrase", "planted-passphrase-0010"),
    ("webdavs://host/dvc", "token", "planted-webdav-token-0011"),
    ("webdavs://host/dvc", "password", "planted-webdav-password-0012"),
    ("https://host/dvc", "password", "planted-http-password-0013"),
    ("oss://bucket/dvc", "oss_key_id", "planted-oss-key-id-0014"),
    ("oss://bucket/dvc", "oss_key_secret", "planted-oss-key-secret-0015"),
    ("gdrive://folderid", "gdrive_client_secret", "planted-gdrive-secret-0016"),
]


@pytest.mark.parametrize(
    ("url", "key", "value"), SECRETS, ids=[f"{u.split(':')[0]}-{k}" for u, k, _ in SECRETS]
)
def test_each_secret_key_in_committed_config(
    tmp_path: Path, url: str, key: str, value: str
) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "-d", "storage", url)
    sh(repo, "dvc", "remote", "modify", "storage", key, value)
    sh(repo, "git", "add", ".dvc/config")
    config = repo / ".dvc" / "config"
    line = line_of(config, f"{key} = ")

    facts, notes = collect(repo)
    assert notes == ()
    remote = one(facts["remotes"], name="storage")
    assert remote["is_default"] is True
    assert remote["config"] == ".dvc/config"
    assert remote["secrets"] == [
        {
            "key": key,
            "present": True,
            "config": ".dvc/config",
            "config_level": "repo",
            "loc": {
                "path": ".dvc/config",
                "line": line,
                "col": 5,
                "end_line": line,
                "end_col": 5 + len(key),
            },
        }
    ]
    option = one(remote["options"], key=key)
    assert option["value"] is None  # never the secret
    assert value not in json.dumps(facts)

    findings = scan(repo)
    assert hits([f for f in findings if f.control.id == "MLS-DVC-004"]) == [
        ("MLS-DVC-004", ".dvc/config", line, 5)
    ]
    (finding,) = [f for f in findings if f.control.id == "MLS-DVC-004"]
    assert finding.asset == "storage"
    assert f"'{key}'" in finding.message and "committed with the repository" in finding.message
    assert value not in finding.message
    assert value not in json.dumps(finding.evidence)


def test_remote_facts_exact(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "-d", "storage", "s3://acme-models/dvc")
    sh(repo, "dvc", "remote", "modify", "storage", "region", "eu-west-1")
    sh(repo, "dvc", "remote", "add", "web", "https://dvc.example.com:8443/store")
    facts, _ = collect(repo)
    assert [r["name"] for r in facts["remotes"]] == ["storage", "web"]
    storage = one(facts["remotes"], name="storage")
    assert {
        k: storage[k] for k in ("url", "url_scheme", "host", "bucket", "is_default", "secrets")
    } == {
        "url": "s3://acme-models/dvc",
        "url_scheme": "s3",
        "host": "acme-models",
        "bucket": "acme-models",
        "is_default": True,
        "secrets": [],
    }
    assert storage["loc"] == {
        "path": ".dvc/config",
        "line": 3,
        "col": 1,
        "end_line": 3,
        "end_col": 21,
    }
    assert storage["url_loc"] == {
        "path": ".dvc/config",
        "line": 4,
        "col": 5,
        "end_line": 4,
        "end_col": 8,
    }
    assert one(storage["options"], key="region")["value"] == "eu-west-1"
    web = one(facts["remotes"], name="web")
    assert (web["url_scheme"], web["host"], web["bucket"], web["is_default"]) == (
        "https",
        "dvc.example.com",
        None,
        False,
    )
    assert one(facts["configs"], path=".dvc/config") == {
        "path": ".dvc/config",
        "repo_root": "",
        "level": "repo",
        "valid": True,
        "tracked_by_git": True,  # committed by init_repo
        "git_ignored": False,
        "gitignore_covers_local": None,
        "sections": ["core", 'remote "storage"', 'remote "web"'],
        "secrets": [],
        "loc": {"path": ".dvc/config", "line": 1, "col": 1, "end_line": 1, "end_col": 7},
    }
    assert scan(repo) == []  # s3 and https with no secrets: nothing to report


def _with_local_secret(tmp_path: Path) -> Path:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "-d", "storage", "s3://bucket/dvc")
    sh(repo, "dvc", "remote", "modify", "--local", "storage", "secret_access_key", "LOCALPLANTED42")
    sh(repo, "git", "add", "-A")
    sh(repo, "git", "commit", "-qm", "remote")
    return repo


def test_secret_in_ignored_config_local_is_not_a_finding(tmp_path: Path) -> None:
    repo = _with_local_secret(tmp_path)
    facts, _ = collect(repo)
    local = one(facts["configs"], path=".dvc/config.local")
    assert (
        local["level"],
        local["tracked_by_git"],
        local["git_ignored"],
        local["gitignore_covers_local"],
    ) == (
        "local",
        False,
        True,
        True,
    )
    remote = one(facts["remotes"], name="storage")
    assert remote["configs"] == [".dvc/config", ".dvc/config.local"]
    assert remote["config"] == ".dvc/config"  # where the url is
    assert [(s["key"], s["config_level"], s["loc"]["line"]) for s in remote["secrets"]] == [
        ("secret_access_key", "local", 2)
    ]
    assert "LOCALPLANTED42" not in json.dumps(facts)
    assert scan(repo) == []


def test_tracked_config_local(tmp_path: Path) -> None:
    repo = _with_local_secret(tmp_path)
    sh(repo, "git", "add", "-f", ".dvc/config.local")
    facts, _ = collect(repo)
    local = one(facts["configs"], path=".dvc/config.local")
    assert (local["tracked_by_git"], local["gitignore_covers_local"]) == (True, True)
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-004", ".dvc/config.local", 2, 5),
        ("MLS-DVC-005", ".dvc/config.local", 1, 1),
    ]
    by_id = {f.control.id: f for f in findings}
    assert "which git tracks" in by_id["MLS-DVC-004"].message
    assert "tracked by git" in by_id["MLS-DVC-005"].message
    assert all("LOCALPLANTED42" not in f.message for f in findings)


def test_config_local_not_ignored(tmp_path: Path) -> None:
    repo = _with_local_secret(tmp_path)
    (repo / ".dvc" / ".gitignore").write_text("/tmp\n/cache\n")
    facts, _ = collect(repo)
    local = one(facts["configs"], path=".dvc/config.local")
    assert (local["tracked_by_git"], local["git_ignored"], local["gitignore_covers_local"]) == (
        False,
        False,
        False,
    )
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-004", ".dvc/config.local", 2, 5),
        ("MLS-DVC-005", ".dvc/config.local", 1, 1),
    ]
    by_id = {f.control.id: f for f in findings}
    assert "not git-ignored" in by_id["MLS-DVC-004"].message
    assert "not git-ignored" in by_id["MLS-DVC-005"].message


def test_dvc_gitignore_without_config_local_entry(tmp_path: Path) -> None:
    """No config.local yet, but DVC's .dvc/.gitignore lost its entry: the first
    'dvc remote modify --local' would end up in git."""
    repo = init_repo(tmp_path / "repo")
    (repo / ".dvc" / ".gitignore").write_text("/tmp\n/cache\n")
    facts, _ = collect(repo)
    (project,) = facts["projects"]
    assert (project["config_local_exists"], project["config_local_ignored"]) == (False, False)
    findings = scan(repo)
    assert hits(findings) == [("MLS-DVC-005", ".dvc/.gitignore", 1, 1)]
    assert findings[0].asset == ".dvc/config.local"
    # the default .dvc/.gitignore written by 'dvc init' is fine
    (repo / ".dvc" / ".gitignore").write_text("/config.local\n/tmp\n/cache\n")
    assert scan(repo) == []


def test_config_local_outside_git_is_reported_even_when_ignored(tmp_path: Path) -> None:
    """A tree without .git (an unpacked archive, a copied project): .dvc/.gitignore
    cannot say whether config.local was committed, and the copy carries it, so its
    credential is reported; the missing-ignore control stays silent (the rule is there)."""
    repo = _with_local_secret(tmp_path)
    sh(repo, "rm", "-rf", ".git")
    facts, _ = collect(repo)
    local = one(facts["configs"], path=".dvc/config.local")
    assert (local["tracked_by_git"], local["gitignore_covers_local"]) == (None, True)
    findings = scan(repo)
    assert hits(findings) == [("MLS-DVC-004", ".dvc/config.local", 2, 5)]
    assert "without git metadata" in findings[0].message
    assert "LOCALPLANTED42" not in findings[0].message


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://dvc.example.com/store", False),
        ("webdav://dav.example.com/store", False),
        ("http://localhost:8080/store", True),
        ("http://127.0.0.1/store", True),
    ],
)
def test_plaintext_remote(tmp_path: Path, url: str, loopback: bool) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "plain", url)
    facts, _ = collect(repo)
    remote = one(facts["remotes"], name="plain")
    assert remote["url_scheme"] == url.split(":")[0]
    assert remote["host_is_loopback"] is loopback
    findings = scan(repo)
    if loopback:  # traffic that never leaves the machine is no transport risk
        assert hits(findings) == []
        return
    assert hits(findings) == [("MLS-DVC-006", ".dvc/config", 2, 5)]
    assert findings[0].severity == "high"


@pytest.mark.parametrize(
    "url",
    [
        "https://dvc.example.com/store",
        "webdavs://dav.example.com/s",
        "s3://b/p",
        "gs://b/p",
        "azure://c/p",
        "ssh://host/p",
    ],
)
def test_encrypted_remote_is_silent(tmp_path: Path, url: str) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "enc", url)
    assert scan(repo) == []


def test_tls_options_off(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "web", "https://dvc.example.com/store")
    sh(repo, "dvc", "remote", "modify", "web", "ssl_verify", "false")
    sh(repo, "dvc", "remote", "add", "minio", "s3://models/dvc")
    sh(repo, "dvc", "remote", "modify", "minio", "endpointurl", "http://minio.internal:9000")
    sh(repo, "dvc", "remote", "modify", "minio", "use_ssl", "false")
    sh(repo, "dvc", "remote", "add", "ca", "https://dvc.example.com/other")
    sh(repo, "dvc", "remote", "modify", "ca", "ssl_verify", "certs/ca.pem")
    config = repo / ".dvc" / "config"
    facts, _ = collect(repo)
    web = one(facts["remotes"], name="web")
    assert web["ssl_verify"] is False
    minio = one(facts["remotes"], name="minio")
    assert (minio["use_ssl"], minio["endpoint_url_scheme"]) == (False, "http")
    assert one(facts["remotes"], name="ca")["ssl_verify"] == "certs/ca.pem"
    findings = scan(repo)
    assert sorted((f.location.start_line, f.location.start_col, f.asset) for f in findings) == [
        (line_of(config, "ssl_verify = false"), 5, "web"),
        (line_of(config, "endpointurl"), 5, "minio"),
        (line_of(config, "use_ssl"), 5, "minio"),
    ]
    messages = sorted(f.message for f in findings)
    assert messages == [
        "DVC remote 'minio' sets use_ssl = false in .dvc/config: "
        "data and credentials travel without TLS",
        "DVC remote 'minio' talks to its storage endpoint over plaintext HTTP "
        "(endpointurl = http://minio.internal:9000)",
        "DVC remote 'web' sets ssl_verify = false in .dvc/config: the server certificate is not "
        "checked, so anyone in the path can impersonate the remote",
    ]
    assert {f.control.id for f in findings} == {"MLS-DVC-006"}


def test_url_with_password_is_redacted_and_reported(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(
        repo,
        "dvc",
        "remote",
        "add",
        "web",
        "https://alice:Pl4ntedPassw0rd@dvc.example.com/store?sig=PLANTEDSIG&x=1",
    )
    facts, _ = collect(repo)
    remote = one(facts["remotes"], name="web")
    assert remote["url"] == "https://alice:***@dvc.example.com/store?sig=***&x=1"
    assert remote["url_has_password"] is True
    assert remote["url_secret_params"] == ["sig"]
    dumped = json.dumps(facts)
    assert "Pl4ntedPassw0rd" not in dumped and "PLANTEDSIG" not in dumped
    findings = scan(repo)
    assert hits(findings) == [("MLS-DVC-004", ".dvc/config", 2, 5)]
    assert "user:password" in findings[0].message
    assert "Pl4ntedPassw0rd" not in findings[0].message


def test_committed_key_file_and_studio_token(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    sh(repo, "dvc", "remote", "add", "box", "ssh://user@host/dvc")
    sh(repo, "dvc", "remote", "modify", "box", "keyfile", "keys/id_ed25519")
    sh(repo, "dvc", "remote", "add", "other", "ssh://user@host/dvc2")
    sh(repo, "dvc", "remote", "modify", "other", "keyfile", "/home/ci/.ssh/id_ed25519")
    (repo / "keys").mkdir()
    (repo / "keys" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nPLANTEDKEY\n")
    config = repo / ".dvc" / "config"
    config.write_text(config.read_text() + "[studio]\n    token = isat_PLANTEDSTUDIOTOKEN\n")
    sh(repo, "git", "add", "-A")
    facts, _ = collect(repo)
    box = one(facts["remotes"], name="box")
    assert box["credential_files"] == [
        {
            "key": "keyfile",
            "path": "../keys/id_ed25519",
            "workspace_path": "keys/id_ed25519",
            "exists": True,
            "tracked_by_git": True,
            "git_ignored": False,
            "has_key_material": True,  # a PEM private key
            "config": ".dvc/config",
            "loc": {"path": ".dvc/config", "line": 3, "col": 5, "end_line": 3, "end_col": 12},
        }
    ]
    other = one(facts["remotes"], name="other")
    assert other["credential_files"][0]["workspace_path"] is None
    studio_line = line_of(config, "token = isat_")
    assert one(facts["configs"], path=".dvc/config")["secrets"] == [
        {
            "section": "studio",
            "key": "token",
            "present": True,
            "loc": {
                "path": ".dvc/config",
                "line": studio_line,
                "col": 5,
                "end_line": studio_line,
                "end_col": 10,
            },
        }
    ]
    dumped = json.dumps(facts)
    assert "PLANTED" not in dumped
    findings = scan(repo)
    assert hits(findings) == [
        ("MLS-DVC-004", ".dvc/config", 3, 5),
        ("MLS-DVC-004", ".dvc/config", studio_line, 5),
    ]
    assert sorted(f.asset for f in findings) == ["box", "studio"]


def test_malformed_config_notification_and_other_files_still_collected(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / "data.txt").write_text("payload\n")
    sh(repo, "dvc", "add", "-q", "data.txt")
    (repo / ".dvc" / "config").write_text(
        "['remote \"storage\"']\n"
        "    url = s3://bucket/dvc\n"
        "this line is not ini at all\n"
        "    secret_access_key = PLANTEDBROKEN\n"
    )
    sh(repo, "git", "add", "-A")
    facts, notes = collect(repo)
    assert [(n.path, n.line, n.kind, n.source) for n in notes] == [
        (".dvc/config", 3, "parse-error", "dvc")
    ]
    assert "PLANTEDBROKEN" not in notes[0].message
    assert one(facts["configs"], path=".dvc/config")["valid"] is False
    # the credential is still found on the readable lines, and the .dvc file still counts
    assert [s["loc"]["line"] for s in one(facts["remotes"], name="storage")["secrets"]] == [4]
    assert one(facts["outputs"], path="data.txt")["workspace_state"] == "match"
    assert hits(scan(repo)) == [("MLS-DVC-004", ".dvc/config", 4, 5)]


def test_duplicate_key_is_a_notification(tmp_path: Path) -> None:
    repo = init_repo(tmp_path / "repo")
    (repo / ".dvc" / "config").write_text("[core]\n    remote = a\n    remote = b\n")
    facts, notes = collect(repo)
    assert [(n.path, n.line) for n in notes] == [(".dvc/config", 3)]
    assert "duplicate" in notes[0].message
    assert one(facts["configs"], path=".dvc/config")["valid"] is False
