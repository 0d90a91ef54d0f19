"""The engine interface: evaluate ``data.mlscan.controls`` once on the fact document and
return every control package's ``deny`` set, keyed by package name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

# Deny items are kept as the engine returned them; findings.to_violations validates them
# (a policy that denies with plain strings must be an error, not silently nothing).
RawViolations = Mapping[str, list[Any]]


class Engine(Protocol):
    name: str

    def evaluate(self, facts: Mapping[str, Any]) -> RawViolations:
        """package name -> list of deny objects (each a dict with msg, loc, ...)."""
        ...


def collect_denies(tree: Any, prefix: str = "mlscan.controls") -> dict[str, list[Any]]:
    """Walk the value of ``data.mlscan.controls`` and pick every package's ``deny``.
    A ``deny`` that is not a set (``deny if ...``) is kept as a one-item list."""
    out: dict[str, list[Any]] = {}

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        if "deny" in node:
            deny = node["deny"]
            out[path] = list(deny) if isinstance(deny, list) else [deny]
        for key, child in node.items():
            if key != "deny" and isinstance(child, dict):
                walk(child, f"{path}.{key}")

    walk(tree, prefix)
    return out
