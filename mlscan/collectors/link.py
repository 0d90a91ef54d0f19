"""The link stage: cross-source facts built from the facts every collector emitted.

It runs once, after all collectors, on the fact document (never on files). Each link
function reads the families it needs and returns new facts as ``{family: {key: value}}``;
the stage merges them into the document in registry order, so a later link function can
read what an earlier one built (the asset graph comes first: secrets, deployments and
privacy link to its buckets).

Extension point: write ``def my_links(facts: Mapping[str, Any]) -> LinkFacts`` in its own
module (near the family it belongs to), add ``Linker(name=..., run=my_links)`` to
``LINKERS`` below (one line each) and document the facts it adds in docs/facts.md. A link
function must not mutate ``facts``, must tolerate missing families (a scan may have run
only some collectors) and records the evidence for every link it makes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlscan.collectors.assets.graph import asset_graph
from mlscan.collectors.model_refs.link import model_use_links
from mlscan.collectors.privacy.links import privacy_links
from mlscan.collectors.secrets.link import secret_links
from mlscan.models import Notification

LinkFacts = dict[str, dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class Linker:
    name: str
    run: Callable[[Mapping[str, Any]], LinkFacts]


# One link function per line, in the order they run (keeps merges trivial).
LINKERS: tuple[Linker, ...] = (
    Linker(name="assets", run=asset_graph),
    Linker(name="privacy", run=privacy_links),
    Linker(name="secrets", run=secret_links),
    Linker(name="model_use", run=model_use_links),
)


def run_links(facts: dict[str, Any], linkers: Iterable[Linker] = LINKERS) -> list[Notification]:
    """Run every link function on ``facts`` and merge what it returns (in place)."""
    notes: list[Notification] = []
    for linker in linkers:
        try:
            found = linker.run(facts)
        except Exception as exc:  # a link bug must not cost the collected facts
            if os.environ.get("MLSCAN_DEBUG"):
                raise
            notes.append(
                Notification(
                    path=".",
                    message=f"link '{linker.name}' failed: {type(exc).__name__}: {exc}; "
                    "the collected facts are kept (use --debug for a traceback)",
                    level="error",
                    kind="collector-error",
                    source=f"link:{linker.name}",
                )
            )
            continue
        for family, values in found.items():
            target = facts.get(family)
            if not isinstance(target, dict):
                target = {}
                facts[family] = target
            target.update(values)
    return notes
