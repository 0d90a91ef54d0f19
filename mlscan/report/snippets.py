"""Evidence snippets: one source line per finding, with anything secret-like removed.

A line whose finding comes from a credential control is never shown at all. Every other
line still goes through a masking pass (URI passwords, ``password = ...``-style values,
long token-like strings), so that a secret on a line that some other control points at
does not leak either.
"""

from __future__ import annotations

import re

from mlscan.models import Control

#: CWE ids of credential / secret-exposure weaknesses: findings of controls that carry one
#: of them point at lines that may hold a secret value.
CREDENTIAL_CWES = frozenset(
    {256, 257, 258, 259, 260, 312, 313, 315, 316, 321, 522, 532, 538, 540, 798, 1391, 1392, 1393}
)
_CREDENTIAL_WORDS = re.compile(
    r"secret|password|passwd|passphrase|credential|token|api[_-]?key|access[_-]?key", re.I
)

MAX_SNIPPET = 160

_URI_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/\s:@]*):[^@\s/]*@")
_SECRET_ASSIGN = re.compile(
    r"(?P<key>[\w.-]*(?:secret|password|passwd|pwd|passphrase|token|api[_-]?key|access[_-]?key"
    r"|private[_-]?key|credential|auth|sas|account[_-]?key|connection[_-]?string)[\w.-]*"
    r"[\"']?\s*(?:=|:|\s)\s*)(?P<value>\S.*)$",
    re.I,
)
# 32+ characters mixing letters and digits, not a path, not a hex digest (sha256 pins)
_LONG_TOKEN = re.compile(
    r"(?<![\w/.-])(?![0-9a-f]{32,}(?![\w+=-]))(?=[\w+=-]*\d)(?=[\w+=-]*[A-Za-z])[\w+=-]{32,}"
)


def is_credential_control(control: Control) -> bool:
    """True for controls whose findings point at credential values."""
    if CREDENTIAL_CWES.intersection(control.cwe):
        return True
    return bool(_CREDENTIAL_WORDS.search(control.title))


def mask(line: str) -> str:
    """``line`` with URI passwords, secret-looking assignments and long tokens masked."""
    text = _URI_USERINFO.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:***@", line)
    m = _SECRET_ASSIGN.search(text)
    if m:
        text = text[: m.start("value")] + "***"
    return _LONG_TOKEN.sub("***", text)


def snippet(text: str, line: int | None, control: Control) -> tuple[str | None, bool]:
    """(snippet, withheld) for ``line`` (1-based) of ``text``."""
    if line is None or line < 1:
        return None, False
    lines = text.splitlines()
    if line > len(lines):
        return None, False
    if is_credential_control(control):
        return None, True
    shown = visible(mask(lines[line - 1].strip()))
    if len(shown) > MAX_SNIPPET:
        shown = shown[: MAX_SNIPPET - 1] + "\u2026"
    return shown, False


_INVISIBLE = frozenset(
    "\u061c\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def visible(text: str) -> str:
    """Control and bidi characters shown as escapes, so a line cannot hide or reorder text."""
    if text.isprintable():
        return text
    return "".join(
        f"\\u{ord(c):04x}" if (c in _INVISIBLE or (not c.isprintable() and c != " ")) else c
        for c in text
    )
