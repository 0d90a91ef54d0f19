"""Core data types shared by every layer of mlscan.

This module imports nothing from mlscan and only the standard library. Every type is a
frozen, keyword-only dataclass so that results can be hashed, compared and sorted, and
so that no layer can mutate what another layer produced.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
SEVERITY_RANK: Mapping[str, int] = {"critical": 4, "high": 3, "medium": 2, "low": 1}

STRIDE_CATEGORIES: tuple[str, ...] = (
    "spoofing",
    "tampering",
    "repudiation",
    "information-disclosure",
    "denial-of-service",
    "elevation-of-privilege",
)
STRIDE_LETTER: Mapping[str, str] = {
    "spoofing": "S",
    "tampering": "T",
    "repudiation": "R",
    "information-disclosure": "I",
    "denial-of-service": "D",
    "elevation-of-privilege": "E",
}
LINDDUN_CATEGORIES: tuple[str, ...] = (
    "linking",
    "identifying",
    "non-repudiation",
    "detecting",
    "data-disclosure",
    "unawareness",
    "non-compliance",
)

NotificationLevel = Literal["error", "warning", "note"]
BaselineState = Literal["new", "unchanged", "absent"]


@dataclass(frozen=True, kw_only=True, order=True)
class Location:
    """A place in the scanned tree. Lines and columns are 1-based, as in SARIF.

    ``path`` is relative to the scan root and uses forward slashes. A file-level
    location leaves every other field as None.
    """

    path: str
    start_line: int | None = None
    start_col: int | None = None
    end_line: int | None = None
    end_col: int | None = None

    def to_fact(self) -> dict[str, Any]:
        """The ``loc`` object used inside the fact document."""
        return {
            "path": self.path,
            "line": self.start_line,
            "col": self.start_col,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }

    @classmethod
    def from_fact(cls, loc: Mapping[str, Any]) -> Location:
        """Build a Location from a fact's ``loc`` object (unknown fields are ignored)."""

        def _int(key: str) -> int | None:
            value = loc.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return cls(
            path=str(loc.get("path", "")),
            start_line=_int("line"),
            start_col=_int("col"),
            end_line=_int("end_line"),
            end_col=_int("end_col"),
        )

    def __str__(self) -> str:
        if self.start_line is None:
            return self.path
        if self.start_col is None:
            return f"{self.path}:{self.start_line}"
        return f"{self.path}:{self.start_line}:{self.start_col}"


@dataclass(frozen=True, kw_only=True)
class Control:
    """One security control, read from a Rego package's ``# METADATA`` block."""

    id: str
    title: str
    description: str
    severity: Severity
    stride: tuple[str, ...]
    linddun: tuple[str, ...] = ()
    atlas: tuple[str, ...] = ()
    owasp_ml: tuple[str, ...] = ()
    cwe: tuple[int, ...] = ()
    references: tuple[str, ...] = ()
    remediation: str = ""
    help_uri: str = ""
    precision: str = "high"
    package: str = ""
    source: str = ""
    builtin: bool = True

    @property
    def name(self) -> str:
        """A PascalCase rule name derived from the title (SARIF ``rule.name``)."""
        words = "".join(c if c.isalnum() else " " for c in self.title).split()
        return "".join(w[:1].upper() + w[1:] for w in words)


@dataclass(frozen=True, kw_only=True)
class Violation:
    """One raw ``deny`` result of a control, before findings are shaped."""

    control_id: str
    message: str
    location: Location
    asset: str = ""
    key: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    related: tuple[Location, ...] = ()
    logical_location: str = ""
    severity: Severity | None = None  # a control may raise or lower its own severity


@dataclass(frozen=True, kw_only=True)
class Suppression:
    """Why a finding is suppressed. ``kind`` follows SARIF: inSource or external."""

    kind: Literal["inSource", "external"]
    justification: str
    expires: str | None = None
    expired: bool = False
    location: Location | None = None


@dataclass(frozen=True, kw_only=True)
class Risk:
    """Business-impact risk: likelihood (from severity) times impact (from config)."""

    likelihood: int
    impact: str
    impact_score: int
    score: int
    asset_group: str = ""


@dataclass(frozen=True, kw_only=True)
class Finding:
    control: Control
    severity: Severity
    message: str
    location: Location
    related: tuple[Location, ...] = ()
    asset: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    suppression: Suppression | None = None
    risk: Risk | None = None
    logical_location: str = ""
    baseline_state: BaselineState | None = None

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None and not self.suppression.expired

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (
            loc.path,
            loc.start_line or 0,
            loc.start_col or 0,
            self.control.id,
            self.fingerprint,
            self.message,
        )


@dataclass(frozen=True, kw_only=True, order=True)
class Notification:
    """Something the user must know that is not a finding: a file that could not be
    parsed, a file that was skipped, a suppression comment that was rejected."""

    path: str
    message: str
    level: NotificationLevel = "warning"
    kind: str = "parse-error"
    source: str = ""
    line: int | None = None


@dataclass(frozen=True, kw_only=True)
class ScanResult:
    root: str
    findings: tuple[Finding, ...]
    notifications: tuple[Notification, ...]
    controls: tuple[Control, ...]
    facts_summary: Mapping[str, int]
    tool_version: str
    policy_hash: str = ""
    automation_id: str = "mlscan/"
    timings: Mapping[str, float] = field(default_factory=dict)
    # The scan root's path inside its git work tree ("sub/dir/", or "" at the top or
    # outside git). Code scanning and annotations resolve paths against the repository
    # root, so the SARIF and github reporters put it in front of every path.
    uri_prefix: str = ""
    # Results of the --baseline SARIF that this scan no longer produces, as the baseline
    # wrote them (SARIF result objects); the SARIF reporter emits them as "absent".
    baseline_absent: tuple[Mapping[str, Any], ...] = ()


def severity_at_least(severity: str, threshold: str) -> bool:
    """True when ``severity`` is at or above ``threshold`` (``never`` matches nothing)."""
    if threshold == "never":
        return False
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(threshold, 99)


# Invisible characters that can reorder or hide text on a terminal ("trojan source").
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# control (C0, DEL, C1), unpaired surrogate, line separator, paragraph separator
_ESCAPED_CATEGORIES = frozenset(("Cc", "Cs", "Zl", "Zp"))


def printable(text: str, keep: str = "") -> str:
    """``text`` with C0 and C1 control characters (ESC, BEL, NEL U+0085, CSI U+009B...),
    bidi controls (U+202A-202E, U+2066-2069...), line and paragraph separators and
    unpaired surrogates made visible (``\\x1b``, ``\\u202e``...), so that scanned content
    cannot drive a terminal, reorder a line or start a new one. Characters in ``keep``
    (e.g. ``"\\n"`` for a format that escapes newlines its own way) are left alone."""
    if text.isprintable():  # no Cc, Cf (bidi controls are Cf), Cs, Zl or Zp characters
        return text
    out: list[str] = []
    for ch in text:
        if ch in keep:
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in _ESCAPED_CATEGORIES or ch in _BIDI_CONTROLS:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
