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
        if "mlscan:ignore" not in text:
            continue
        lines = text.splitlines()
        for lineno, line in enumerate(lines, start=1):
            m = _MARKER.search(line)
            if not m:
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
            em = _EXPIRES.search(rest)
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
            applies = (lineno, lineno + 1) if standalone else (lineno,)
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


def _note(path: str, line: int, message: str) -> Notification:
    return Notification(
        path=path,
        message=message,
        level="warning",
        kind="suppression",
        source="suppressions",
        line=line,
    )
