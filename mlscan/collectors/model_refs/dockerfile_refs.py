"""Sources of Dockerfile ``COPY`` / ``ADD`` instructions (what an image ships).

The build context itself (``COPY . /app``) is not recorded: it names no file in
particular. Sources from another stage (``--from=``) and URLs are skipped.
"""

from __future__ import annotations

import re
import shlex

_INSTR = re.compile(r"^\s*(COPY|ADD)\s+(.*)$", re.I)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def copy_sources(text: str) -> list[tuple[str, int]]:
    """``(source, line)`` for every COPY/ADD source (continuation lines joined)."""
    out: list[tuple[str, int]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        start = i
        line = lines[i]
        while line.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line.rstrip()[:-1] + " " + lines[i]
        i += 1
        m = _INSTR.match(line)
        if m is None:
            continue
        body = m.group(2).strip()
        try:
            words = (
                _QUOTED.findall(body) if body.startswith("[") else shlex.split(body, comments=False)
            )
        except ValueError:
            continue
        if any(w.startswith("--from") for w in words):
            continue
        args = [w for w in words if not w.startswith("--")]
        for src in args[:-1]:
            src = src.strip()
            if "://" in src or src.startswith("$") or src in (".", "./", "*", "/"):
                continue
            out.append((src, start + 1))
    return out
