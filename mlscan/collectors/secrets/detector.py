"""The secret detector: detect-secrets (the ``bc-detect-secrets`` distribution that
checkov already installs), fed lines from the parse cache, never a path to open.

Chosen by measurement (docs/secrets.md, ``python benchmarks/secret_detectors.py``). The
library is imported lazily, on the first file that needs it. detect-secrets keeps its
settings in a process-global, so every use holds one lock.

A ``Hit`` carries the value only so that the collector can classify it (placeholder,
reference, default) and group equal values; the value never leaves this package.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

_LOCK = threading.Lock()

# detect-secrets picks its keyword rules from the file extension: give each kind of file
# the extension whose rules fit its syntax (``KEY=value`` files read as properties). Some
# plugins open the file they are told about (the private-key plugin reads it whole): the
# names live under /dev/null, where no file can exist, so nothing is ever read from disk;
# the private-key pass over the whole text is done here instead.
_NOWHERE = "/dev/null/mlscan/"
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
# ``secret = get_secret()`` filter: it also drops every literal passed to a call on the
# right-hand side (``Minio(host, access_key="...", secret_key="...")``), which is how ML
# code hard-codes object-store keys; the keyword rules still need a quoted literal.
_DISABLED_FILTERS = ("detect_secrets.filters.heuristic.is_indirect_reference",)
# A cheap gate before detect-secrets' ~20 plugins: a line can hold a secret only if it has
# a long token (provider keys, high-entropy strings), a credential word (keyword rules) or
# a URL with user info (basic auth). Most lines of code and manifests have none; skipping
# them keeps detection the same (benchmarks/secret_detectors.py) at a fraction of the time.
_GATE = re.compile(
    r"[A-Za-z0-9+/=_\-]{16,}|pass|pwd|secret|token|key|auth|cred|private|:[^\s/@]*@", re.I
)


@dataclass(frozen=True, kw_only=True)
class Hit:
    line: int  # 1-based, in the text that was scanned
    detector: str  # detect-secrets' secret type, e.g. "AWS Access Key"
    value: str  # in memory only: never written to a fact, a message or a log


def scan_text(text: str, dialect: str) -> list[Hit]:
    """Every secret detect-secrets reports in ``text`` read as ``dialect``, by line."""
    if not text.strip():
        return []
    from detect_secrets.core import scan as ds_scan
    from detect_secrets.plugins.private_key import PrivateKeyDetector
    from detect_secrets.settings import default_settings, get_settings

    name = _NOWHERE + DIALECT_NAME.get(dialect, "file.txt")
    lines = [
        (n, line, True, False)
        for n, line in enumerate(text.split("\n"), start=1)
        if _GATE.search(line)
    ]
    hits: dict[tuple[int, str, str], Hit] = {}
    with _LOCK, default_settings():
        get_settings().disable_filters(*_DISABLED_FILTERS)
        get_settings().disable_plugins("PrivateKeyDetector")  # whole-text pass below
        ds_scan.get_filters.cache_clear()  # type: ignore[attr-defined]
        try:
            for found in ds_scan._process_line_based_plugins(lines=lines, filename=name):
                value = found.secret_value
                if not value or found.type == PrivateKeyDetector.secret_type:
                    continue
                hit = Hit(line=int(found.line_number), detector=str(found.type), value=value)
                hits.setdefault((hit.line, hit.value, hit.detector), hit)
        finally:
            ds_scan.get_filters.cache_clear()  # type: ignore[attr-defined]
    if "PRIVATE KEY" in text:
        for pattern in PrivateKeyDetector.denylist:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                value = m.group("secret_key")
                hits.setdefault(
                    (line, value, PrivateKeyDetector.secret_type),
                    Hit(line=line, detector=PrivateKeyDetector.secret_type, value=value),
                )
    return sorted(hits.values(), key=lambda h: (h.line, h.detector))


def by_value(hits: list[Hit]) -> Iterator[tuple[int, str, list[str]]]:
    """(line, value, detectors) once per secret value on a line."""
    grouped: dict[tuple[int, str], list[str]] = {}
    for h in hits:
        grouped.setdefault((h.line, h.value), []).append(h.detector)
    for (line, value), detectors in sorted(grouped.items(), key=lambda kv: kv[0][0]):
        yield line, value, sorted(set(detectors))
