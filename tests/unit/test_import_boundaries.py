"""Boundaries that import-linter cannot express (its contracts are in pyproject.toml and
run in CI as ``lint-imports``): no private engine name is imported outside
``mlscan/engine/``, and reporters never open or read files."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mlscan"


def _modules(*parts: str) -> list[Path]:
    return sorted(PACKAGE.joinpath(*parts).rglob("*.py"))


def private_engine_imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mlscan.engine"):
            out.extend(
                f"{node.module}.{a.name} (line {node.lineno})"
                for a in node.names
                if a.name.startswith("_")
            )
        if isinstance(node, ast.ImportFrom | ast.Import):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
            out.extend(f"{n} (line {node.lineno})" for n in names if "._" in n and "engine" in n)
    return out


def file_reads(path: Path) -> list[str]:
    """Calls of open() and .read_text()/.read_bytes()/.open() that do not read a packaged
    resource (importlib.resources.files(...))."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Name) and f.id == "open":
            out.append(f"open() at line {node.lineno}")
        elif (
            isinstance(f, ast.Attribute)
            and f.attr in ("read_text", "read_bytes", "open")
            and "resources.files" not in ast.unparse(f.value)
        ):
            out.append(f".{f.attr}() at line {node.lineno}")
    return out


def test_no_private_engine_name_outside_the_engine() -> None:
    found = {
        str(p.relative_to(PACKAGE)): hits
        for p in _modules()
        if "engine" not in p.relative_to(PACKAGE).parts[:1]
        and (hits := private_engine_imports(p))
    }
    assert found == {}


def test_reporters_and_report_read_no_files() -> None:
    found = {
        str(p.relative_to(PACKAGE)): hits
        for p in [*_modules("reporters"), *_modules("report")]
        if (hits := file_reads(p))
    }
    assert found == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from mlscan.engine.embedded import _reason\n"
        "text = open('x').read()\n"
        "data = path.read_bytes()\n"
        "css = resources.files('mlscan.report').joinpath('a.css').read_text()\n",
        encoding="utf-8",
    )
    assert private_engine_imports(bad) == ["mlscan.engine.embedded._reason (line 1)"]
    assert sorted(file_reads(bad)) == [".read_bytes() at line 3", "open() at line 2"]
