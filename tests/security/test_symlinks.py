"""Symlinks out of the scan root are never followed: not by discovery, hashing, signature
lookup or model discovery; loops terminate. Hardlinks cannot be told apart from regular
files (documented in docs/security.md) and are read like any other file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlscan.collectors.registry import COLLECTORS
from mlscan.errors import FileReadError
from mlscan.hashing import DigestService
from mlscan.scan import collect_facts
from mlscan.workspace import Workspace, WorkspaceOptions
from tests.security.support import SENTINEL, findings, plant_sentinel, render_all, scan

SECRET = "OUTSIDE-SECRET-7f3a1c"
FAMILIES = {c.family for c in COLLECTORS}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    out = tmp_path / "outside"
    (out / "modeldir").mkdir(parents=True)
    (out / "secret.txt").write_text(f"root:x:0:0:{SECRET}\n", encoding="utf-8")
    (out / "modeldir" / "MLmodel").write_text(
        f"flavors:\n  python_function:\n    loader_module: {SECRET}\n", encoding="utf-8"
    )
    (out / "modeldir" / "model.pkl").write_bytes(b"\x80\x04" + SECRET.encode() + b".")
    (out / "compose.yml").write_text(
        f"services:\n  mlflow:\n    command: mlflow server --host 0.0.0.0 # {SECRET}\n",
        encoding="utf-8",
    )
    return out


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "repo"
    r.mkdir()
    plant_sentinel(r)
    return r


def _assert_never_read(root: Path, tmp_path: Path) -> None:
    outputs = render_all(root, tmp_path)
    for fmt, text in outputs.items():
        assert SECRET not in text, fmt
    assert SENTINEL in findings(scan(root))


def test_escaping_file_dir_and_signature_links(root: Path, outside: Path, tmp_path: Path) -> None:
    (root / "models").mkdir()
    (root / "models" / "m").symlink_to(outside / "modeldir", target_is_directory=True)
    (root / "models" / "m.sig").symlink_to("/etc/passwd")
    (root / "models" / "own.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    (root / "models" / "own.safetensors.sig").symlink_to(outside / "secret.txt")
    (root / "docker-compose.yml").symlink_to(outside / "compose.yml")
    fr = collect_facts((str(root),))
    escapes = sorted(n.path for n in fr.notifications if n.kind == "symlink-escape")
    assert escapes == [
        "docker-compose.yml",
        "models/m",
        "models/m.sig",
        "models/own.safetensors.sig",
    ]
    assert [f.path for f in fr.workspace.files] == [
        "Dockerfile",
        "models/own.safetensors",
    ]
    doc = json.dumps(fr.facts)
    assert "root:x:0:0" not in doc
    _assert_never_read(root, tmp_path)


def test_configured_signature_path_that_escapes(root: Path, outside: Path, tmp_path: Path) -> None:
    (root / "models").mkdir()
    (root / "models" / "own.safetensors").write_bytes(b"\x02\x00\x00\x00\x00\x00\x00\x00{}")
    (root / "sig").mkdir()
    (root / "sig" / "own.sig").symlink_to("/etc/passwd")
    (root / ".mlscan.yaml").write_text(
        "signing:\n  signatures:\n    models/own.safetensors: sig/own.sig\n"
        "  trusted_keys: [keys/k.pub]\n  trust_root: trust/root.json\n",
        encoding="utf-8",
    )
    (root / "keys").mkdir()
    (root / "keys" / "k.pub").symlink_to(outside / "secret.txt")
    (root / "trust").mkdir()
    (root / "trust" / "root.json").symlink_to(outside / "secret.txt")
    outputs = render_all(root, tmp_path)
    for fmt, text in outputs.items():
        assert "root:x:0:0" not in text and SECRET not in text, fmt
    fr = collect_facts((str(root),))
    kinds = {(n.path, n.kind) for n in fr.notifications}
    assert ("keys/k.pub", "symlink-escape") in kinds
    assert ("trust/root.json", "symlink-escape") in kinds


def test_chain_that_leaves_and_reenters_the_root(root: Path, tmp_path: Path) -> None:
    """The resolved target decides: a chain through an outside link back into the root
    reads a file that is inside anyway; one that ends outside is never read."""
    hop = tmp_path / "hop"
    hop.mkdir()
    # a published image: the Dockerfile sentinel stays the image the project deploys
    (root / "real.yml").write_text(
        "services: {mlflow: {image: ghcr.io/mlflow/mlflow:v2.9.2, command: mlflow ui}}\n"
    )
    (hop / "back").symlink_to(root / "real.yml")
    (hop / "away").symlink_to(tmp_path / "nowhere-secret.yml")
    (tmp_path / "nowhere-secret.yml").write_text(f"# mlflow {SECRET}\n")
    (root / "via-outside.yml").symlink_to(hop / "back")
    (root / "leaves.yml").symlink_to(hop / "away")
    ws = Workspace.discover(root, WorkspaceOptions())
    assert [f.path for f in ws.files] == ["Dockerfile", "real.yml", "via-outside.yml"]
    assert [(n.path, n.kind) for n in ws.notifications] == [("leaves.yml", "symlink-escape")]
    with pytest.raises(FileReadError) as exc:
        ws.read_text("leaves.yml")
    assert exc.value.kind == "symlink-escape"
    _assert_never_read(root, tmp_path)


def test_loops_terminate(root: Path, tmp_path: Path) -> None:
    (root / "d").mkdir()
    (root / "d" / "up").symlink_to("..", target_is_directory=True)
    (root / "self").symlink_to("self")
    (root / "a").symlink_to("b")
    (root / "b").symlink_to("a")
    ws = Workspace.discover(root, WorkspaceOptions())
    assert [f.path for f in ws.files] == ["Dockerfile"]
    # a directory link inside the root is not followed (its target is discovered at its
    # real path); the broken link loops are reported as unreadable
    assert sorted((n.path, n.kind) for n in ws.notifications if n.path != "d/up") == [
        ("a", "unreadable"),
        ("b", "unreadable"),
        ("self", "unreadable"),
    ]
    assert SENTINEL in findings(scan(root))


def test_hashing_refuses_escaping_paths(root: Path, outside: Path) -> None:
    (root / "m.bin").symlink_to(outside / "secret.txt")
    ws = Workspace.discover(root, WorkspaceOptions())
    digests = DigestService(ws)
    for rel in ("m.bin", "../outside/secret.txt", str(outside / "secret.txt")):
        with pytest.raises(FileReadError) as exc:
            digests.digest(rel)
        assert exc.value.kind == "symlink-escape", rel


def test_hardlinks_are_indistinguishable(root: Path, outside: Path) -> None:
    """Documented limitation: a hardlink is the same inode under another name; it is
    read as a regular file. Only whoever created the tree can make one (git cannot)."""
    try:
        os.link(outside / "secret.txt", root / "linked.txt")
    except OSError:
        pytest.skip("hardlinks not supported here")
    ws = Workspace.discover(root, WorkspaceOptions())
    assert SECRET in ws.read_text("linked.txt")


@pytest.mark.skipif("dvc" not in FAMILIES, reason="the DVC collector is not registered yet")
def test_dvc_output_symlinked_outside(root: Path, outside: Path, tmp_path: Path) -> None:
    (root / ".dvc").mkdir()
    (root / ".dvc" / "config").write_text("[core]\n    remote = s\n")
    (root / "data").mkdir()
    (root / "data" / "train.csv").symlink_to(outside / "secret.txt")
    (root / "data" / "train.csv.dvc").write_text(
        "outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 10\n  path: train.csv\n"
    )
    outputs = render_all(root, tmp_path)
    for fmt, text in outputs.items():
        assert SECRET not in text, fmt
    fr = collect_facts((str(root),))
    assert ("data/train.csv", "symlink-escape") in {(n.path, n.kind) for n in fr.notifications}
    assert SENTINEL in findings(scan(root))


@pytest.mark.skipif("artifacts" not in FAMILIES, reason="artifact collector not registered yet")
def test_model_directory_symlink_is_not_analysed(root: Path, outside: Path) -> None:
    (root / "models").mkdir()
    (root / "models" / "clf").symlink_to(outside / "modeldir", target_is_directory=True)
    fr = collect_facts((str(root),))
    assert SECRET not in json.dumps(fr.facts)
    assert not any(
        "models/clf" in str(m.get("path")) for m in fr.facts.get("artifacts", {}).get("models", [])
    )


@pytest.mark.parametrize("where", ["beside", "inside"])
def test_verify_never_reads_a_found_signature_that_links_outside(
    root: Path, outside: Path, where: str
) -> None:
    """``mlscan verify`` looks for MODEL.sig (and MODEL/model.sig) in the untrusted tree;
    a link out of the model's folder is not a signature of this model."""
    from mlscan.verify import VerifyOptions, verify_model

    (outside / "evil.sig").write_text(
        '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}', encoding="utf-8"
    )
    model = root / "models" / "m"
    model.mkdir(parents=True)
    (model / "weights.bin").write_bytes(b"w")
    link = root / "models" / "m.sig" if where == "beside" else model / "model.sig"
    link.symlink_to(outside / "evil.sig")
    outcome = verify_model(VerifyOptions(model_path=str(model)))
    assert (outcome.ok, outcome.reason, outcome.signature) == (False, "unsigned", None)
