"""Resource limits: each hostile file trips its limit, becomes a notification that names
the limit, and a real finding elsewhere in the same tree still comes out."""

from __future__ import annotations

import io
import pickle
import zipfile
from pathlib import Path

import pytest

from mlscan.collectors.registry import COLLECTORS
from mlscan.config import Limits
from tests.security.support import SENTINEL, findings, plant_sentinel, scan

FAMILIES = {c.family for c in COLLECTORS}


def _config(root: Path, **limits: object) -> Path:
    lines = ["limits:"] + [f"  {k}: {v}" for k, v in limits.items()]
    path = root / ".mlscan.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _scan_with_note(root: Path, needle: str) -> list[tuple[str, str, str]]:
    """Scan; assert the sentinel finding survived; return notifications naming ``needle``."""
    result = scan(root)
    assert SENTINEL in findings(result), findings(result)
    return [(n.path, n.kind, n.message) for n in result.notifications if needle in n.message]


def test_every_limit_is_configurable() -> None:
    names = set(Limits.__dataclass_fields__)
    assert {
        "max_file_size",
        "max_files",
        "max_yaml_aliases",
        "max_nesting_depth",
        "max_zip_members",
        "max_zip_ratio",
        "model_analysis_timeout",
        "max_hcl_size",
    } <= names


def test_max_file_size(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    big = "services:\n  mlflow:\n    command: mlflow server\n" + "# pad\n" * 2000
    (tmp_path / "docker-compose.yml").write_text(big, encoding="utf-8")
    _config(tmp_path, max_file_size=4096)
    notes = _scan_with_note(tmp_path, "limits.max_file_size")
    assert {(p, k) for p, k, _ in notes} == {("docker-compose.yml", "too-large")}


def test_max_files(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    flood = tmp_path / "zz-flood"
    flood.mkdir()
    for i in range(50):
        (flood / f"f{i:03}.txt").write_text("x", encoding="utf-8")
    _config(tmp_path, max_files=10)
    notes = _scan_with_note(tmp_path, "limits.max_files")
    assert [(p, k) for p, k, _ in notes] == [(".", "limit")]


def test_yaml_alias_expansion_billion_laughs(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    lines = ["# mlflow", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("services: {mlflow: {command: mlflow server, x: *a9}}")
    (tmp_path / "docker-compose.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _config(tmp_path, max_yaml_aliases=100)
    notes = _scan_with_note(tmp_path, "limits.max_yaml_aliases")
    assert [(p, k) for p, k, _ in notes] == [("docker-compose.yml", "parse-error")]


def test_yaml_nesting_depth(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    deep = "# mlflow\nx: " + "[" * 500 + "]" * 500 + "\n"
    (tmp_path / "mlflow.yaml").write_text(deep, encoding="utf-8")
    _config(tmp_path, max_nesting_depth=50)
    notes = _scan_with_note(tmp_path, "limits.max_nesting_depth")
    assert [(p, k) for p, k, _ in notes] == [("mlflow.yaml", "parse-error")]


def test_yaml_nesting_beyond_the_interpreter_stack(tmp_path: Path) -> None:
    """Deeper than Python's recursion limit: still one notification, never a crash."""
    plant_sentinel(tmp_path)
    deep = "# mlflow\nx: " + "[" * 20000 + "]" * 20000 + "\n"
    (tmp_path / "mlflow.yaml").write_text(deep, encoding="utf-8")
    result = scan(tmp_path)
    assert SENTINEL in findings(result)
    assert [(n.path, n.kind) for n in result.notifications if n.path == "mlflow.yaml"] == [
        ("mlflow.yaml", "parse-error")
    ]
    assert not [n for n in result.notifications if n.kind == "collector-error"]


def test_json_depth_in_a_signature_file(tmp_path: Path) -> None:
    """A Sigstore bundle nested deeper than the JSON decoder's stack is a bad signature,
    not a crashed signature collector (which would hide every MLS-SIG finding)."""
    plant_sentinel(tmp_path)
    models = tmp_path / "models"
    models.mkdir()
    (models / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    (models / "model.safetensors.sig").write_text("[" * 100000 + "]" * 100000)
    result = scan(tmp_path)
    assert SENTINEL in findings(result)
    assert not [n for n in result.notifications if n.kind == "collector-error"], [
        n.message for n in result.notifications
    ]
    # the undecodable signature is itself reported: an invalid signature (MLS-SIG-003)
    assert ("MLS-SIG-003", "models/model.safetensors.sig", None) in findings(result)


@pytest.mark.skipif("iac" not in FAMILIES, reason="the IaC collector is not registered yet")
def test_hcl_size_before_checkov(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    body = 'resource "aws_s3_bucket" "models" {\n  bucket = "acme-models"\n}\n'
    (tmp_path / "main.tf").write_text(body + "# pad\n" * 4000, encoding="utf-8")
    _config(tmp_path, max_hcl_size=8192)
    notes = _scan_with_note(tmp_path, "limits.max_hcl_size")
    assert [p for p, _, _ in notes] == ["main.tf"]


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _torch_like(members: dict[str, bytes]) -> dict[str, bytes]:
    return {"archive/data.pkl": pickle.dumps({"w": [1, 2, 3]}, protocol=2), **members}


@pytest.mark.skipif("artifacts" not in FAMILIES, reason="artifact collector not registered yet")
def test_zip_members(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    (tmp_path / "models").mkdir()
    _zip(
        tmp_path / "models" / "model.pt",
        _torch_like({f"archive/data/{i}": b"0" for i in range(40)}),
    )
    _config(tmp_path, max_zip_members=10)
    notes = _scan_with_note(tmp_path, "limits.max_zip_members")
    assert [p for p, _, _ in notes] == ["models/model.pt"]


@pytest.mark.skipif("artifacts" not in FAMILIES, reason="artifact collector not registered yet")
def test_zip_ratio_bomb(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    (tmp_path / "models").mkdir()
    bomb = pickle.dumps(b"\0" * (8 << 20), protocol=2)  # ~8 MiB of zeros, deflates ~1000:1
    _zip(tmp_path / "models" / "model.pt", {"archive/data.pkl": bomb})
    notes = _scan_with_note(tmp_path, "limits.max_zip_ratio")
    assert [p for p, _, _ in notes] == ["models/model.pt"]


@pytest.mark.skipif("artifacts" not in FAMILIES, reason="artifact collector not registered yet")
def test_model_analysis_time_budget(tmp_path: Path) -> None:
    plant_sentinel(tmp_path)
    (tmp_path / "models").mkdir()
    buf = io.BytesIO()
    pickle.dump([{"k": i, "v": str(i)} for i in range(50000)], buf, protocol=2)
    (tmp_path / "models" / "model.pkl").write_bytes(buf.getvalue())
    _config(tmp_path, model_analysis_timeout="0.000001")
    notes = _scan_with_note(tmp_path, "limits.model_analysis_timeout")
    assert [p for p, _, _ in notes] == ["models/model.pkl"]
