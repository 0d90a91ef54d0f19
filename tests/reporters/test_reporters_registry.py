from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from mlscan import reporters
from mlscan.reporters import github, json_format, sarif, text
from tests.factories import make_finding, make_result

PACKAGE = Path(reporters.__file__).resolve().parent


def test_registry_names_every_format() -> None:
    assert sorted(reporters.REPORTERS) == ["github", "json", "sarif", "text"]
    assert reporters.FORMATS == ("github", "json", "sarif", "text")


@pytest.mark.parametrize(
    ("fmt", "module_render"),
    [
        ("github", github.render),
        ("json", json_format.render),
        ("sarif", sarif.render),
        ("text", text.render),
    ],
)
def test_render_dispatches(fmt: str, module_render: object) -> None:
    result = make_result(findings=[make_finding()])
    assert callable(module_render)
    assert reporters.render(fmt, result) == module_render(result)


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(
        ValueError, match="unknown output format 'xml'; choose one of: github, json, sarif, text"
    ):
        reporters.render("xml", make_result())


def test_reporters_import_only_models_from_mlscan() -> None:
    allowed_third_party = {"rich", "sarif_om"}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "mlscan":
                    assert name == "mlscan.models" or name.startswith("mlscan.reporters"), (
                        f"{path.name} imports {name}"
                    )
                elif top not in allowed_third_party and top != "__future__":
                    assert top in sys.stdlib_module_names, f"{path.name} imports {name}"


def test_reporters_never_open_files() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for forbidden in (
            r"\bopen\(",
            r"\.read_text\(",
            r"\.read_bytes\(",
            r"\bPath\(",
            r"\bos\.",
            r"\bsubprocess\b",
            r"\bsocket\b",
        ):
            assert not re.search(forbidden, source), f"{path.name} matches {forbidden}"
