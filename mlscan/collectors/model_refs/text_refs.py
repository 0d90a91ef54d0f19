"""Model paths named in configuration and scripts: parameter files (``params.yaml``,
``config.toml``), manifests and compose files (``MODEL_PATH: /models/m.pkl``), shell
scripts, Makefiles, Procfiles, ``.env`` files.

A word counts when it is a path whose last component has a model-file extension, or a
``runs:/<run id>/<path>`` URI. The text is scanned, not parsed: the same word in any
of these formats is the same evidence.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from mlscan.collectors.model_refs.python_refs import MODEL_SUFFIX

_SUFFIXES = MODEL_SUFFIX.pattern.removeprefix(r"\.(").split(")$")[0]
_WORD = re.compile(
    r"(?<![\w./:-])((?:runs:/[\w-]+(?:/[\w.-]+)*)|(?:[\w./-]*[\w-]\.(?:" + _SUFFIXES + r")))"
    r"(?![\w-]|\.\w)",
    re.I,
)
_CONFIG_SUFFIXES = frozenset(
    {".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".env", ".sh", ".bash", ".mk", ".conf"}
)
_CONFIG_NAMES = frozenset({"makefile", "gnumakefile", "procfile", ".env", "justfile"})
# files that name model files as part of a model or a run, not as a use of it
_SKIP_NAMES = frozenset({"mlmodel", "meta.yaml", "dvc.yaml", "dvc.lock", "package-lock.json"})
_SKIP_FOLDERS = frozenset({"mlruns", "mlartifacts", "node_modules", ".dvc"})


def is_config_file(path: str) -> bool:
    p = PurePosixPath(path)
    name = p.name.lower()
    if name in _SKIP_NAMES or any(part in _SKIP_FOLDERS for part in p.parts[:-1]):
        return False
    if name.endswith(".dvc"):
        return False
    return p.suffix.lower() in _CONFIG_SUFFIXES or name in _CONFIG_NAMES or name.startswith(".env")


def words(text: str) -> list[tuple[str, int]]:
    """``(path, line)`` for every model path word of the text."""
    out: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > 4000:
            continue
        for m in _WORD.finditer(line):
            word = m.group(1)
            if "://" in word and not word.startswith("runs:/"):
                continue
            out.append((word, number))
    return out
