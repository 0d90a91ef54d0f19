"""Import aliases of a Python module, shared by the collectors that read Python code."""

from __future__ import annotations

import ast


class _Imports(ast.NodeVisitor):
    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.names[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.names.setdefault(top, top)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        for alias in node.names:
            if alias.name != "*":
                self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"


def import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> canonical dotted name, from every import in the module."""
    imports = _Imports()
    imports.visit(tree)
    return imports.names
