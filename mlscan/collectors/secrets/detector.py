"""The secret detector: detect-secrets (the ``bc-detect-secrets`` distribution that
checkov already installs), fed lines from the parse cache, never a path to open.

Chosen by measurement (docs/secrets.md, ``python benchmarks/secret_detectors.py``). The
library is imported lazily, on the first file that needs it. detect-secrets keeps its
settings in a process-global, so every use holds one lock.

A ``Hit`` carries the value only so that the collector can classify it (placeholder,
reference, default) and group equal values; the value never leaves this package.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

_LOCK = threading.Lock()

# detect-secrets picks its keyword rules from the file extension: give each kind of file
# the extension whose rules fit its syntax (``KEY=value`` files read as properties).
DIALECT_NAME = {
    "dotenv": "file.properties",
    "shell": "file.properties",
    "dockerfile": "file.properties",
    "yaml": "file.yaml",
    "terraform": "file.tf",
    "python": "file.py",
    "json": "file.json",
    "ini": "file.ini",
    "toml": "file.toml",
    "text": "file.txt",
}


@dataclass(frozen=True, kw_only=True)
class Hit:
    line: int  # 1-based, in the text that was scanned
    detector: str  # detect-secrets' secret type, e.g. "AWS Access Key"
    value: str  # in memory only: never written to a fact, a message or a log


def scan_text(text: str, dialect: str) -> list[Hit]:
    """Every secret detect-secrets reports in ``text`` read as ``dialect``, by line."""
    if not text.strip():
        return []
    from detect_secrets.core.scan import _process_line_based_plugins
    from detect_secrets.settings import default_settings

    name = DIALECT_NAME.get(dialect, "file.txt")
    lines = [(n, line, True, False) for n, line in enumerate(text.split("\n"), start=1)]
    hits: dict[tuple[int, str, str], Hit] = {}
    with _LOCK, default_settings():
        for found in _process_line_based_plugins(lines=lines, filename=name):
            value = found.secret_value
            if not value:
                continue
            hit = Hit(line=int(found.line_number), detector=str(found.type), value=value)
            hits.setdefault((hit.line, hit.value, hit.detector), hit)
    return sorted(hits.values(), key=lambda h: (h.line, h.detector))


def by_value(hits: list[Hit]) -> Iterator[tuple[int, str, list[str]]]:
    """(line, value, detectors) once per secret value on a line."""
    grouped: dict[tuple[int, str], list[str]] = {}
    for h in hits:
        grouped.setdefault((h.line, h.value), []).append(h.detector)
    for (line, value), detectors in sorted(grouped.items(), key=lambda kv: kv[0][0]):
        yield line, value, sorted(set(detectors))
