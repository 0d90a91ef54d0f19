"""Values of environment variables written in committed ``.env`` files, for bind
addresses that an app reads from its environment (``uvicorn.run(host=os.getenv("HOST"))``,
``Settings().HOST_IP``).

The ``.env`` of the app module's folder or of the nearest folder above it wins, as with
``python-dotenv``'s upward search and compose's project-folder ``.env``. Values are bind
addresses and ports only: callers never ask for a secret.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, line_loc

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def _folders(module: str) -> list[str]:
    parent = PurePosixPath(module).parent
    out = [str(parent)]
    out.extend(str(p) for p in parent.parents)
    return [("" if f == "." else f) for f in out]


def dotenv_value(
    ctx: CollectContext, files: frozenset[str], module: str, name: str
) -> tuple[str, dict[str, Any]] | None:
    """The value and location of ``name`` in the nearest committed ``.env`` above
    ``module`` (the variable name is matched without regard to case, as settings
    classes do), or None."""
    for folder in _folders(module):
        rel = f"{folder}/.env" if folder else ".env"
        if rel not in files:
            continue
        text = ctx.parsed.text(rel)
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), start=1):
            m = _LINE.match(line)
            if m and m.group(1).upper() == name.upper():
                value = m.group(2)
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                    value = value[1:-1]
                else:
                    value = value.split(" #", 1)[0].strip()
                return value, line_loc(rel, n, 1)
    return None
