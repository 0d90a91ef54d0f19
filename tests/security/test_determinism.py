"""Determinism: the same tree gives byte-identical output in every format; a copy of it
under another directory name (written in the opposite file order, so directory listing
order differs) gives identical output except for the root-dependent fields; no output
carries a timestamp."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.security.support import DATE_TIME, example_dirs, render_all


def _copy(src: Path, dest: Path, reverse: bool) -> None:
    files = sorted((p for p in src.rglob("*") if p.is_file() or p.is_symlink()), reverse=reverse)
    dest.mkdir(parents=True)
    for p in files:
        target = dest / p.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        if p.is_symlink():
            os.symlink(os.readlink(p), target)
        else:
            shutil.copy2(p, target)


def _normalise(text: str, root: Path) -> str:
    return text.replace(root.resolve().as_posix(), "<ROOT>").replace(root.name, "<NAME>")


@pytest.mark.parametrize("example", example_dirs(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_outputs_are_deterministic(example: Path, tmp_path: Path) -> None:
    one = tmp_path / "a" / "first-copy"
    two = tmp_path / "b" / "second-tree-with-another-name"
    _copy(example, one, reverse=False)
    _copy(example, two, reverse=True)
    out_one = render_all(one, tmp_path / "r1")
    again = render_all(one, tmp_path / "r2")
    out_two = render_all(two, tmp_path / "r3")
    assert set(out_one) == set(again) == set(out_two)
    for fmt in sorted(out_one):
        assert out_one[fmt] == again[fmt], f"{fmt}: two scans of one tree differ"
        assert _normalise(out_one[fmt], one) == _normalise(out_two[fmt], two), (
            f"{fmt}: output depends on the directory name or listing order"
        )
        stamp = DATE_TIME.search(out_one[fmt])
        assert stamp is None, f"{fmt} carries a timestamp without --timestamps: {stamp}"
