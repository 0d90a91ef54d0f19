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


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("k: v\n" + "# pad\n" * 100)
    (tmp_path / "small.yaml").write_text("k: v\n")
    cache = _cache(tmp_path, Limits(max_yaml_size=64))
    assert cache.yaml("big.yaml") is None
    assert cache.text("big.yaml") is None  # never read once rejected
    small = cache.yaml("small.yaml")
    assert small is not None and small[0].get_str("k") == "v"
    (note,) = cache.notifications
    assert (note.path, note.kind) == ("big.yaml", "too-large")
    assert "over the 64-byte limit for YAML files (limits.max_yaml_size)" in note.message


def test_custom_format_is_parsed_once_and_a_parser_crash_is_one_notification(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.cfg").write_text("x\n")
    (tmp_path / "b.cfg").write_text("y\n")
    cache = _cache(tmp_path)
    calls: list[str] = []

    def parse(text: str) -> str:
        calls.append(text)
        if text.startswith("y"):
            raise KeyError("a bug in a parser")
        return text.upper()

    assert cache.custom("cfg", "a.cfg", parse) == "X\n"
    assert cache.custom("cfg", "a.cfg", parse) == "X\n"
    assert cache.custom("cfg", "b.cfg", parse) is None
    assert calls == ["x\n", "y\n"]
    (note,) = cache.notifications
    assert (note.path, note.message) == ("b.cfg", "CFG not parsed: KeyError in the parser")
