"""DVC config files (``.dvc/config``, ``.dvc/config.local``): values and positions.

This is not ``mlscan.sourcemap.parse_ini`` on purpose: that parser stops at the first
malformed line and accepts ``;`` comments and ``key: value``, which configobj (and so
DVC) does not.

DVC reads its config with ``configobj``; so do we, for the values and to know whether
DVC would accept the file. ``configobj`` keeps no positions, so a small tolerant line
scanner of the same dialect gives each section header and each key its 1-based line and
column. The scanner also keeps working on a file that ``configobj`` rejects, so that a
credential committed in a broken config is still found.

Error messages are written here, never copied from ``configobj``: its messages quote
the offending line, which may hold a secret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Span

_KEY_RE = re.compile(r"""^(\s*)("[^"]*"|'[^']*'|[^=\s"'\[#][^=]*?)\s*=\s*(.*?)\s*$""")


@dataclass(frozen=True, kw_only=True)
class IniEntry:
    key: str  # lower-cased, as DVC reads it
    raw_key: str
    value: str | list[str] | None  # None when the scanner cannot tell (multi-line value)
    key_span: Span
    line: int
    value_span: Span | None = None  # the value without quotes (single-line values)


@dataclass(kw_only=True)
class IniSection:
    name: str
    span: Span
    entries: list[IniEntry] = field(default_factory=list)

    def get(self, key: str) -> IniEntry | None:
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


@dataclass(kw_only=True)
class IniDocument:
    sections: list[IniSection]
    errors: list[tuple[int, str]]  # (line, message) for lines the scanner could not read

    def section(self, name: str) -> IniSection | None:
        for section in self.sections:
            if section.name == name:
                return section
        return None


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _split_value(raw: str) -> str | list[str]:
    """configobj's reading of an unquoted or quoted single-line value (enough for facts)."""
    raw = raw.strip()
    if raw and raw[0] in "'\"":
        quote = raw[0]
        end = raw.find(quote, 1)
        if end > 0:
            rest = raw[end + 1 :].strip()
            if rest.startswith(","):
                return [_unquote(p.strip()) for p in _split_commas(raw)]
            return raw[1:end]
    value = raw.split("#", 1)[0].strip()
    if "," in value:
        return [p.strip() for p in value.split(",") if p.strip()]
    return value


def _split_commas(raw: str) -> list[str]:
    parts: list[str] = []
    current = ""
    quote = ""
    for ch in raw:
        if quote:
            current += ch
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            current += ch
        elif ch == ",":
            parts.append(current)
            current = ""
        elif ch == "#":
            break
        else:
            current += ch
    if current.strip():
        parts.append(current)
    return parts


def _value_span(line: int, col: int, raw: str) -> Span:
    """Where a single-line value sits: inside its quotes, or up to a ``#`` comment."""
    if raw and raw[0] in "'\"" and raw.find(raw[0], 1) > 0:
        return Span(line=line, col=col + 1, end_line=line, end_col=col + raw.find(raw[0], 1))
    body = raw.split("#", 1)[0].rstrip()
    return Span(line=line, col=col, end_line=line, end_col=col + len(body))


def scan_ini(text: str) -> IniDocument:
    """Sections and keys with positions; tolerant: unreadable lines go to ``errors``."""
    sections: list[IniSection] = []
    errors: list[tuple[int, str]] = []
    current = IniSection(name="", span=Span(line=1, col=1, end_line=1, end_col=1))
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line_no = index + 1
        line = lines[index]
        index += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if stripped.startswith("["):
            depth = len(stripped) - len(stripped.lstrip("["))
            body = stripped.split("#", 1)[0].rstrip() if "]" in stripped else stripped
            close = body.rfind("]")
            if close < 0 or body[close - depth + 1 : close + 1] != "]" * depth:
                errors.append((line_no, "section header is not closed with ']'"))
                continue
            name = _unquote(body[depth : close - depth + 1].strip())
            if current.name or current.entries:
                sections.append(current)
            current = IniSection(
                name=name,
                span=Span(
                    line=line_no, col=indent + 1, end_line=line_no, end_col=indent + len(body) + 1
                ),
            )
            continue
        match = _KEY_RE.match(line)
        if match is None:
            errors.append((line_no, "line is neither a [section] header nor 'key = value'"))
            continue
        raw_key = match.group(2)
        key_col = len(match.group(1)) + 1
        raw_value = match.group(3)
        value: str | list[str] | None
        if raw_value[:3] in ('"""', "'''"):
            quote = raw_value[:3]
            if raw_value.count(quote) >= 2 and len(raw_value) >= 6:
                value = raw_value[3 : raw_value.find(quote, 3)]
            else:
                value = None
                while index < len(lines) and quote not in lines[index]:
                    index += 1
                index += 1  # the closing line
            value_span = None
        else:
            value = _split_value(raw_value)
            value_span = _value_span(line_no, match.start(3) + 1, raw_value)
        current.entries.append(
            IniEntry(
                key=_unquote(raw_key).strip().lower(),
                raw_key=raw_key,
                value=value,
                key_span=Span(
                    line=line_no, col=key_col, end_line=line_no, end_col=key_col + len(raw_key)
                ),
                line=line_no,
                value_span=value_span,
            )
        )
    if current.name or current.entries:
        sections.append(current)
    return IniDocument(sections=sections, errors=errors)


@dataclass(frozen=True, kw_only=True)
class ConfigValues:
    """configobj's reading of the file: lower-cased section -> lower-cased key -> value."""

    sections: dict[str, dict[str, Any]]
    error: tuple[int | None, str] | None = None  # (line, message) when configobj rejects the file


def load_values(text: str) -> ConfigValues:
    """Parse with configobj exactly as DVC does (``ConfigObj(lines)``)."""
    from configobj import ConfigObj, ConfigObjError

    try:
        conf = ConfigObj(text.splitlines())
    except ConfigObjError as exc:
        line = getattr(exc, "line_number", None)
        errors = getattr(exc, "errors", None) or []
        if errors:
            line = getattr(errors[0], "line_number", line)
        kind = type(errors[0] if errors else exc).__name__
        reason = {
            "DuplicateError": "duplicate section or key",
            "NestingError": "section nesting is wrong",
            "ParseError": "line is neither a [section] header nor 'key = value'",
        }.get(kind, "not a valid DVC (configobj) config file")
        return ConfigValues(sections={}, error=(line if isinstance(line, int) else None, reason))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return ConfigValues(sections={}, error=(None, "not a valid DVC (configobj) config file"))
    try:
        items = conf.dict().items()  # interpolates %(name)s references
    except ConfigObjError:  # InterpolationLoopError, MissingInterpolationOption
        return ConfigValues(
            sections={}, error=(None, "a value's %(...)s interpolation loops or names no option")
        )
    except (ValueError, TypeError, KeyError, RecursionError):
        return ConfigValues(sections={}, error=(None, "not a valid DVC (configobj) config file"))
    sections: dict[str, dict[str, Any]] = {}
    for name, body in items:
        if isinstance(body, dict):
            sections[str(name).lower()] = {str(k).lower(): v for k, v in body.items()}
        else:
            sections.setdefault("", {})[str(name).lower()] = body
    return ConfigValues(sections=sections)


REMOTE_SECTION = re.compile(r'^\s*remote\s*"(.*)"\s*$')


@dataclass(frozen=True, kw_only=True)
class DvcConfigReading:
    """One DVC config file as DVC reads it (configobj) with positions (the line scanner).
    The parse cache holds one per file, shared by every collector that needs remotes."""

    doc: IniDocument
    values: ConfigValues
    first_line_len: int

    @property
    def valid(self) -> bool:
        return self.values.error is None

    def value(self, section: IniSection, entry: IniEntry) -> str | list[str] | None:
        """configobj's value when the file is valid, else the scanner's best reading."""
        if self.valid:
            body = self.values.sections.get(section.name.lower(), {})
            if entry.key in body:
                found = body[entry.key]
                return found if isinstance(found, str | list) else str(found)
        return entry.value

    def remote_urls(self) -> list[tuple[str, IniEntry, str]]:
        """(remote name, its ``url`` entry, url) for every remote with a string url."""
        out: list[tuple[str, IniEntry, str]] = []
        for section in self.doc.sections:
            m = REMOTE_SECTION.match(section.name)
            entry = section.get("url") if m else None
            if m is None or entry is None:
                continue
            url = self.value(section, entry)
            if isinstance(url, str) and url.strip():
                out.append((m.group(1), entry, url.strip()))
        return out


def read_dvc_config(text: str) -> DvcConfigReading:
    first = text.splitlines()[0] if text else ""
    return DvcConfigReading(doc=scan_ini(text), values=load_values(text), first_line_len=len(first))


def dvc_config(parsed: ParseCache, rel: str) -> DvcConfigReading | None:
    """The file through the scan's parse cache (read once, whichever collector asks)."""
    return parsed.custom("dvc-config", rel, read_dvc_config)
