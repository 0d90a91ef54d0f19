"""The walker's view of the globals a pickle stream imports: dangerous, safe or unknown.

The table is not kept here: it is the JSON block of ``rego/lib/model_files.rego``, the
same data the controls decide with (and that a user's ``--policy`` folder extends). The
collector records what it saw (module, name, opcode, engines); this module only tells the
walker how deep to analyse (which byte-scanned imports are worth recording, whether a
stream is worth handing to picklescan) and gives ``FileAnalysis.verdict`` for tools.

* ``dangerous``: process execution, code evaluation, dynamic import / attribute access,
  file-system or network access, file-writing gadgets, nested deserialisation, and any
  dotted attribute path that passes through a module object (protocol 4+ resolves
  ``find_class(module, "a.b.c")`` attribute by attribute).
* ``safe``: the handful of globals every ordinary checkpoint needs.
* ``unknown``: anything else (model classes, third-party code).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Classification = Literal["dangerous", "unknown", "safe"]

TABLE_FILE = "lib/model_files.rego"
_BLOCK = re.compile(r"# BEGIN builtin_table\nbuiltin_table := (\{.*?\n\})\n# END builtin_table",
                    re.S)
_MODULE_LIKE = re.compile(r"^[a-z_]")
_DUNDER = re.compile(r"^__.*__$")


@dataclass(frozen=True, kw_only=True)
class GlobalsTable:
    dangerous_modules: frozenset[str]
    dangerous_globals: frozenset[str]
    safe_globals: frozenset[str]
    allowed_dotted: frozenset[str]
    keras_allowed_modules: tuple[str, ...]

    @property
    def dangerous_module_heads(self) -> frozenset[str]:
        """Modules (and parents of dangerous globals) worth byte-scanning for."""
        heads = {g.rsplit(".", 1)[0] for g in self.dangerous_globals}
        return frozenset(self.dangerous_modules | heads)


def rego_dir() -> Path:
    """``rego/`` beside the package in a checkout, or ``mlscan/_rego`` in a wheel (the
    same rule as ``mlscan.controls.builtin_policy_dir``; collectors may not import it)."""
    pkg = Path(__file__).resolve().parents[2]
    bundled = pkg / "_rego"
    return bundled if bundled.is_dir() else pkg.parent / "rego"


def parse_table(text: str) -> GlobalsTable:
    m = _BLOCK.search(text)
    if m is None:
        raise ValueError(f"no builtin_table JSON block in {TABLE_FILE}")
    raw = json.loads(m.group(1))
    return GlobalsTable(
        dangerous_modules=frozenset(raw["dangerous_modules"]),
        dangerous_globals=frozenset(raw["dangerous_globals"]),
        safe_globals=frozenset(raw["safe_globals"]),
        allowed_dotted=frozenset(raw["allowed_dotted"]),
        keras_allowed_modules=tuple(raw["keras_allowed_modules"]),
    )


@functools.cache
def table() -> GlobalsTable:
    return parse_table((rego_dir() / TABLE_FILE).read_text(encoding="utf-8"))


def through_module(name: str) -> bool:
    """A dotted ``name`` whose inner segment looks like a module, not a class."""
    parts = name.split(".")
    return any(_MODULE_LIKE.match(seg) and not _DUNDER.match(seg) for seg in parts[:-1])


@functools.lru_cache(maxsize=4096)
def classify(module: str, name: str) -> Classification:
    """``dangerous`` | ``safe`` | ``unknown`` for ``module.name`` (mirrors the Rego lib);
    cached, since the same few names recur in every checkpoint of a tree."""
    if not module or not name or module.startswith("<") or name.startswith("<"):
        return "dangerous"  # the import target could not be determined statically
    t = table()
    full = f"{module}.{name}"
    if full in t.allowed_dotted:
        return "safe"
    parts = full.split(".")
    for k in range(1, len(parts)):
        if ".".join(parts[:k]) in t.dangerous_modules:
            return "dangerous"
    for k in range(2, len(parts) + 1):
        if ".".join(parts[:k]) in t.dangerous_globals:
            return "dangerous"
    if through_module(name):
        return "dangerous"
    if full in t.safe_globals or (module == "torch" and name.endswith("Storage")):
        return "safe"
    return "unknown"


def dangerous_module(module: str) -> bool:
    """Whether imports from ``module`` can be dangerous (byte-scan prefilter)."""
    t = table()
    parts = module.split(".")
    heads = t.dangerous_module_heads
    return any(".".join(parts[:k]) in heads for k in range(1, len(parts) + 1))


def keras_module_allowed(module: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in table().keras_allowed_modules)
