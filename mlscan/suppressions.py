"""Inline suppression comments.

    # mlscan:ignore[MLS-DVC-002] reason="internal mirror behind VPN" expires=2027-01-31

The comment applies to findings on its own line, or on the next line when it stands
alone. Any comment leader works (``#``, ``//``, ``;``, ``--``), so one syntax serves YAML,
INI, HCL, Dockerfiles, Python and TOML. A reason is required; a suppression without one
is rejected with a notification and suppresses nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from mlscan.models import Notification

_MARKER = re.compile(
    r"(?:#|//|;|--|/\*)\s*mlscan:ignore\[(?P<ids>[^\]]*)\](?P<rest>[^\n]*)", re.IGNORECASE
)
_REASON = re.compile(r"""reason\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
_EXPIRES = re.compile(r"expires\s*=\s*(?P<date>\S+)")
_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as the JSON and INI parsers number lines
_WORD = "mlscan:ignore"


@dataclass(frozen=True, kw_only=True)
class InlineSuppression:
    path: str
    line: int  # line of the comment
    applies_to: tuple[int, ...]  # lines whose findings it covers
    control_ids: tuple[str, ...]
    reason: str
    expires: str | None


def parse_suppressions(
    texts: Mapping[str, str],
) -> tuple[dict[str, list[InlineSuppression]], list[Notification]]:
    index: dict[str, list[InlineSuppression]] = {}
    notes: list[Notification] = []
    for path in sorted(texts):
        text = texts[path]
        if _WORD not in text.lower():
            continue
        lines = _LINE_BREAK.split(text)
        markers = [_MARKER.search(line) for line in lines]
        for lineno, (line, m) in enumerate(zip(lines, markers, strict=True), start=1):
            if not m:
                if _WORD in line.lower():
                    notes.append(
                        _note(
                            path,
                            lineno,
                            "suppression ignored: write it as a comment, "
                            'mlscan:ignore[MLS-DVC-002] reason="..."',
                        )
                    )
                continue
            ids = tuple(i.strip() for i in m.group("ids").split(",") if i.strip())
            bad = [i for i in ids if not _ID.match(i)]
            if not ids or bad:
                notes.append(
                    _note(
                        path,
                        lineno,
                        "suppression ignored: list control ids, e.g. mlscan:ignore[MLS-DVC-002]",
                    )
                )
                continue
            rest = m.group("rest")
            rm = _REASON.search(rest)
            reason = (
                rm.group("dq")
                if rm and rm.group("dq") is not None
                else rm.group("sq")
                if rm
                else None
            )
            if not reason or not reason.strip():
                notes.append(
                    _note(
                        path,
                        lineno,
                        "suppression ignored: a reason is required, "
                        'e.g. reason="internal mirror behind VPN"',
                    )
                )
                continue
            expires = None
            # look for expires= outside the reason text
            em = _EXPIRES.search(rest[: rm.start()] + " " + rest[rm.end() :]) if rm else None
            if em:
                raw = em.group("date").strip("\"'")
                try:
                    expires = dt.date.fromisoformat(raw).isoformat()
                except ValueError:
                    notes.append(
                        _note(
                            path,
                            lineno,
                            f"suppression ignored: expires={raw} is not a date YYYY-MM-DD",
                        )
                    )
                    continue
            standalone = not line[: m.start()].strip()
            applies: tuple[int, ...] = (lineno,)
            if standalone:
                # the next line that is not itself a suppression comment, so that
                # several comments can be stacked above one line
                target = lineno + 1
                while target <= len(lines) and _standalone(lines[target - 1], markers[target - 1]):
                    target += 1
                applies = (lineno, target)
            index.setdefault(path, []).append(
                InlineSuppression(
                    path=path,
                    line=lineno,
                    applies_to=applies,
                    control_ids=ids,
                    reason=reason.strip(),
                    expires=expires,
                )
            )
    return index, notes


def _standalone(line: str, m: re.Match[str] | None) -> bool:
    return m is not None and not line[: m.start()].strip()


def _note(path: str, line: int, message: str) -> Notification:
    return Notification(
        path=path,
        message=message,
        level="warning",
        kind="suppression",
        source="suppressions",
        line=line,
    )
