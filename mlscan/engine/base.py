"""The engine interface: evaluate ``data.mlscan.controls`` once on the fact document and
return every control package's ``deny`` set, keyed by package name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

RawViolations = Mapping[str, list[dict[str, Any]]]


class Engine(Protocol):
    name: str

    def evaluate(self, facts: Mapping[str, Any]) -> RawViolations:
        """package name -> list of deny objects (each a dict with msg, loc, ...)."""
        ...


def collect_denies(tree: Any, prefix: str = "mlscan.controls") -> dict[str, list[dict[str, Any]]]:
    """Walk the value of ``data.mlscan.controls`` and pick every package's ``deny``."""
    out: dict[str, list[dict[str, Any]]] = {}

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        deny = node.get("deny")
        if isinstance(deny, list):
            out[path] = [d for d in deny if isinstance(d, dict)]
        for key, child in node.items():
            if key != "deny" and isinstance(child, dict):
                walk(child, f"{path}.{key}")

    walk(tree, prefix)
    return out
