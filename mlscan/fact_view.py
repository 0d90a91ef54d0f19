"""The engine's view of the fact document: every fact, without the detail fields that no
control reads.

Collectors record everything they saw (reports, ``mlscan facts --full``); the engine is
handed only what controls read, since loading the input is a large part of its time and
dataset column lists alone were a third of the bytes. A field listed here is documented
in docs/facts.md as "``--full`` only"; a control that needs one moves it out of this list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# (family, list) -> fields left out of every item of that list
DETAIL_FIELDS: Mapping[tuple[str, str], tuple[str, ...]] = {
    # every column with its position; controls read personal_data (the flagged columns)
    ("datasets", "files"): ("columns", "rows_sampled", "sample_truncated"),
    ("datasets", "schemas"): ("columns",),
    # every file of a signed model with its digest; controls read manifest_diff
    ("signatures", "models"): ("files",),
    # where the hash sits, the path as written, the DVC project folder
    ("dvc", "outputs"): ("hash_loc", "declared_path", "repo_root"),
    # the raw bucket settings checkov saw; controls read the normalised fields beside them
    ("iac", "buckets"): ("settings",),
    ("iac", "checkov_results"): ("framework",),
}


def engine_view(facts: Mapping[str, Any]) -> dict[str, Any]:
    """``facts`` without the detail fields (the collected document is not changed)."""
    out = dict(facts)
    for (family, kind), fields in DETAIL_FIELDS.items():
        fam = out.get(family)
        if not isinstance(fam, Mapping) or not isinstance(fam.get(kind), list):
            continue
        items = [
            {k: v for k, v in item.items() if k not in fields} if isinstance(item, Mapping)
            else item
            for item in fam[kind]
        ]
        out[family] = {**fam, kind: items}
    return out
