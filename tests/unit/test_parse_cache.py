"""The parse cache parses each file once per format, applies the limits, and records one
notification per rejected file."""

from __future__ import annotations

from pathlib import Path

from mlscan.config import Limits
from mlscan.parse_cache import ParseCache
from mlscan.workspace import Workspace


def _cache(tmp_path: Path, limits: Limits | None = None) -> ParseCache:
    return ParseCache(Workspace.discover(tmp_path), limits or Limits())


def test_yaml_parsed_once_and_shared(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("k: v\n")
    cache = _cache(tmp_path)
    first = cache.yaml("a.yaml")
    second = cache.yaml("a.yaml")
    assert first is second
    assert first is not None and first[0].get_str("k") == "v"
    assert cache.parse_count("yaml", "a.yaml") == 1
    assert cache.notifications == ()


def test_alias_limit_gives_one_notification(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text("a: &a [1]\nb: [*a, *a, *a, *a]\n")
    cache = _cache(tmp_path, Limits(max_yaml_aliases=2))
    assert cache.yaml("bomb.yaml") is None
    assert cache.yaml("bomb.yaml") is None
    assert cache.rejected("bomb.yaml")
    (note,) = cache.notifications
    assert note.path == "bomb.yaml"
    assert "alias" in note.message.lower()
    assert cache.parse_count("yaml", "bomb.yaml") == 1


def test_python_syntax_error_is_a_notification(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def f(:\n")
    cache = _cache(tmp_path)
    assert cache.python_ast("bad.py") is None
    (note,) = cache.notifications
    assert note.path == "bad.py" and note.line == 1


def test_csv_header_and_hcl(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("name,email\nx,y\n")
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "m"\n}\n')
    cache = _cache(tmp_path)
    assert cache.csv_header("d.csv") == ["name", "email"]
    hcl = cache.hcl("main.tf")
    assert hcl is not None and hcl["resource"][0]["aws_s3_bucket"]["b"]["bucket"] == ["m"]
