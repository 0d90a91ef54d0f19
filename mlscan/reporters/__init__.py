"""Reporters: one module per output format, each with ``render(result) -> str``.

Reporters import ``mlscan.models`` only and never read files; the CLI writes their output.
"""

from __future__ import annotations

from collections.abc import Callable

from mlscan.models import ScanResult
from mlscan.reporters import github, json_format, sarif, text

Reporter = Callable[[ScanResult], str]

REPORTERS: dict[str, Reporter] = {
    "github": github.render,
    "json": json_format.render,
    "sarif": sarif.render,
    "text": text.render,
}

FORMATS: tuple[str, ...] = tuple(sorted(REPORTERS))


def render(fmt: str, result: ScanResult) -> str:
    """Render ``result`` in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        raise ValueError(
            f"unknown output format {fmt!r}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return reporter(result)


__all__ = ["FORMATS", "REPORTERS", "Reporter", "render"]
