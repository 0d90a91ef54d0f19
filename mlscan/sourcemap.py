"""Position-keeping parsers: YAML, JSON and INI text to values with 1-based spans.

Every collector that must point a finding at a key or a value parses through here, once
per file. Values come out as plain Python data (``Node.value``), and positions stay
beside them (``Node.span``, ``Node.key_span``): position keys are never injected into
the data itself. Resource limits (YAML alias expansion, nesting depth) raise
``SourceError``, which collectors turn into notifications.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml


class SourceError(Exception):
    """A file cannot be parsed. ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class Span:
    """1-based line/column; ``end_col`` is exclusive, as in SARIF."""

    line: int
    col: int
    end_line: int
    end_col: int

    def loc(self, path: str) -> dict[str, Any]:
        return {
            "path": path,
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
        }


class Node:
    """A YAML/JSON value with its position. Treat as immutable."""

    __slots__ = ("_items", "_seq", "key_span", "kind", "span", "value")

    def __init__(
        self,
        kind: str,
        value: Any,
        span: Span,
        items: tuple[tuple[str, Node], ...] = (),
        seq: tuple[Node, ...] = (),
        key_span: Span | None = None,
    ) -> None:
        self.kind = kind
        self.value = value
        self.span = span
        self._items = items
        self._seq = seq
        self.key_span = key_span

    def get(self, key: str) -> Node | None:
        for k, node in self._items:
            if k == key:
                return node
        return None

    def get_str(self, key: str) -> str | None:
        """The child's value when it is a string scalar, else None."""
        node = self.get(key)
        return node.value if node is not None and isinstance(node.value, str) else None

    def items(self) -> list[tuple[str, Node]]:
        return list(self._items)

    @property
    def children(self) -> list[Node]:
        return list(self._seq) if self.kind == "seq" else [n for _, n in self._items]

    def __getitem__(self, index: int) -> Node:
        return self._seq[index]

    def __len__(self) -> int:
        return len(self._seq) if self.kind == "seq" else len(self._items)

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()

    def __repr__(self) -> str:
        return f"Node({self.kind}, line={self.span.line}, value={self.value!r:.60})"


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class _Lines:
    """Offsets to 1-based (line, column). Lines end at \n, \r\n or \r only, as
    editors and code-scanning UIs count them (PyYAML also breaks lines at NEL and
    U+2028/U+2029, which shifts its own line numbers)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


# --------------------------------------------------------------------------- YAML
class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader composing nodes only; never constructs arbitrary objects. Composition
    stops at ``max_depth`` nested collections, before PyYAML's recursive composer can
    exhaust the interpreter stack."""

    max_depth = 200
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > self.max_depth + 1:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise SourceError(
                    f"nesting deeper than {self.max_depth} levels (limits.max_nesting_depth)",
                    mark.line + 1,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _YamlBuilder:
    def __init__(self, max_aliases: int, max_depth: int, lines: _Lines) -> None:
        self.lines = lines
        self.max_aliases = max_aliases
        self.max_depth = max_depth
        self.expanded = 0
        self.constructor = yaml.SafeLoader("")
        self.active: set[int] = set()

    def build(self, node: yaml.Node, depth: int = 0, key_span: Span | None = None) -> Node:
        if depth > self.max_depth:
            raise SourceError(
                f"nesting deeper than {self.max_depth} levels (limits.max_nesting_depth)",
                self._line(node),
            )
        ident = id(node)
        if ident in self.active:
            raise SourceError("recursive YAML alias", self._line(node))
        span = self._span(node)
        if isinstance(node, yaml.ScalarNode):
            return Node("scalar", self._scalar(node, span), span, key_span=key_span)
        self.active.add(ident)
        try:
            if isinstance(node, yaml.SequenceNode):
                children = tuple(self._child(c, depth) for c in node.value)
                span = _block_span(node, span, children)
                return Node(
                    "seq", [c.value for c in children], span, seq=children, key_span=key_span
                )
            if isinstance(node, yaml.MappingNode):
                ordered: dict[str, Node] = {}  # a dict: a linear build for wide mappings
                for knode, vnode in node.value:
                    if knode.tag == "tag:yaml.org,2002:merge":
                        merged = self._child(vnode, depth)
                        sources = [merged] if merged.kind == "map" else merged.children
                        if merged.kind == "scalar" or any(m.kind != "map" for m in sources):
                            raise SourceError(
                                "a merge key (<<) needs a mapping or a list of mappings",
                                self._line(knode),
                            )
                        for mk, mv in [kv for m in sources for kv in m.items()]:
                            if mk not in ordered:
                                ordered[mk] = mv
                        continue
                    kspan = self._span(knode)
                    if isinstance(knode, yaml.ScalarNode):
                        key = str(self._scalar(knode, kspan))
                    else:
                        key = str(self.build(knode, depth + 1).value)
                    child = self._child(vnode, depth, kspan)
                    ordered.pop(key, None)  # a repeated key moves to the end, value replaced
                    ordered[key] = child
                items = list(ordered.items())
                value = {k: n.value for k, n in items}
                span = _block_span(node, span, tuple(n for _, n in items))
                return Node("map", value, span, items=tuple(items), key_span=key_span)
        finally:
            self.active.discard(ident)
        raise SourceError(f"unsupported YAML node {type(node).__name__}", span.line)

    def _line(self, node: yaml.Node) -> int:
        return self.lines.line(node.start_mark.index)

    def _span(self, node: yaml.Node) -> Span:
        line, col = self.lines.pos(node.start_mark.index)
        end_line, end_col = self.lines.pos(node.end_mark.index)
        return Span(line, col, end_line, end_col)

    def _scalar(self, node: yaml.ScalarNode, span: Span) -> Any:
        if node.tag.startswith("!"):
            # application tags (CloudFormation !Ref, !Sub, ...) are opaque strings here
            return node.value
        try:
            return _plain(self.constructor.construct_object(node, deep=True))
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else None
            raise SourceError(f"invalid scalar: {problem or exc}", span.line) from exc

    def _child(self, node: yaml.Node, depth: int, key_span: Span | None = None) -> Node:
        if getattr(node, "_mlscan_seen", False):
            self.expanded += 1
            if self.expanded > self.max_aliases:
                raise SourceError(
                    f"more than {self.max_aliases} alias expansions (limits.max_yaml_aliases); "
                    "possible billion-laughs document",
                    self._line(node),
                )
        else:
            node._mlscan_seen = True  # type: ignore[attr-defined]
        return self.build(node, depth + 1, key_span)


def _block_span(node: yaml.Node, span: Span, children: tuple[Node, ...]) -> Span:
    """A block collection's end mark is the start of the next token, after any trailing
    comments and blank lines; end it where its last child ends instead."""
    own = [
        c.span for c in children if (c.span.line, c.span.col) >= (span.line, span.col)
    ]  # aliased children keep the span of their anchor, which is earlier
    if getattr(node, "flow_style", False) or not own:
        return span
    last = max(own, key=lambda s: (s.end_line, s.end_col))
    return Span(span.line, span.col, last.end_line, last.end_col)


def _plain(value: Any) -> Any:
    """Dates and other scalar types become JSON-ready values."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def parse_yaml_documents(text: str, max_aliases: int = 1000, max_depth: int = 200) -> list[Node]:
    """Parse every document of a YAML stream, keeping positions. Empty documents are
    skipped. Raises SourceError on syntax errors or limits."""
    if text.startswith("\ufeff"):  # columns count from the first real character
        text = text[1:]
    lines = _Lines(text)
    builder = _YamlBuilder(max_aliases, max_depth, lines)
    docs: list[Node] = []
    try:
        loader = _LimitedLoader(text)
        loader.max_depth = max_depth
        try:
            while loader.check_node():
                root = loader.get_node()
                if root is None or (
                    isinstance(root, yaml.ScalarNode)
                    and root.tag == "tag:yaml.org,2002:null"
                    and root.value == ""
                ):  # an empty document between two '---'
                    continue
                docs.append(builder.build(root))
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = lines.line(mark.index) if mark is not None else None
        raise SourceError(f"invalid YAML: {exc.problem or exc}", line) from exc
    except yaml.YAMLError as exc:
        first = str(exc).strip().splitlines()
        line = None
        if isinstance(exc, yaml.reader.ReaderError):  # a bad character: position only
            line = lines.line(exc.position)
        raise SourceError(
            f"invalid YAML: {first[0] if first else type(exc).__name__}", line
        ) from exc
    except RecursionError as exc:
        raise SourceError(
            f"nesting too deep for the parser (limits.max_nesting_depth is {max_depth})"
        ) from exc
    return docs


# --------------------------------------------------------------------------- JSON
_WS = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"', re.DOTALL)
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


class _JsonParser:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.lines = _Lines(text)

    def pos(self, offset: int) -> tuple[int, int]:
        return self.lines.pos(offset)

    def span(self, start: int, end: int) -> Span:
        line, col = self.pos(start)
        eline, ecol = self.pos(end)
        return Span(line, col, eline, ecol)

    def fail(self, message: str, offset: int) -> SourceError:
        return SourceError(f"invalid JSON: {message}", self.pos(offset)[0])

    def skip(self, i: int) -> int:
        m = _WS.match(self.text, i)
        return m.end() if m else i

    def parse(self) -> Node:
        i = self.skip(0)
        node, i = self.value(i, 0, None)
        i = self.skip(i)
        if i != len(self.text):
            raise self.fail("extra data after the document", i)
        return node

    def string(self, i: int) -> tuple[str, int]:
        m = _STRING.match(self.text, i)
        if not m:
            raise self.fail("unterminated or invalid string", i)
        try:
            return json.loads(m.group(0)), m.end()
        except json.JSONDecodeError as exc:
            raise self.fail(f"bad string escape ({exc.msg})", i) from exc

    def value(self, i: int, depth: int, key_span: Span | None) -> tuple[Node, int]:
        if depth > self.max_depth:
            raise self.fail(
                f"nesting deeper than {self.max_depth} levels (limits.max_nesting_depth)", i
            )
        text = self.text
        if i >= len(text):
            raise self.fail("unexpected end of document", i)
        ch = text[i]
        if ch == "{":
            items: list[tuple[str, Node]] = []
            j = self.skip(i + 1)
            if j < len(text) and text[j] == "}":
                return Node("map", {}, self.span(i, j + 1), key_span=key_span), j + 1
            while True:
                if j >= len(text) or text[j] != '"':
                    raise self.fail("expected a string key", j)
                kstart = j
                key, j = self.string(j)
                kspan = self.span(kstart, j)
                j = self.skip(j)
                if j >= len(text) or text[j] != ":":
                    raise self.fail("expected ':' after key", j)
                child, j = self.value(self.skip(j + 1), depth + 1, kspan)
                items = [(k, n) for k, n in items if k != key]
                items.append((key, child))
                j = self.skip(j)
                if j < len(text) and text[j] == ",":
                    j = self.skip(j + 1)
                    continue
                if j < len(text) and text[j] == "}":
                    value = {k: n.value for k, n in items}
                    return (
                        Node(
                            "map", value, self.span(i, j + 1), items=tuple(items), key_span=key_span
                        ),
                        j + 1,
                    )
                raise self.fail("expected ',' or '}'", j)
        if ch == "[":
            seq: list[Node] = []
            j = self.skip(i + 1)
            if j < len(text) and text[j] == "]":
                return Node("seq", [], self.span(i, j + 1), key_span=key_span), j + 1
            while True:
                child, j = self.value(j, depth + 1, None)
                seq.append(child)
                j = self.skip(j)
                if j < len(text) and text[j] == ",":
                    j = self.skip(j + 1)
                    continue
                if j < len(text) and text[j] == "]":
                    return (
                        Node(
                            "seq",
                            [c.value for c in seq],
                            self.span(i, j + 1),
                            seq=tuple(seq),
                            key_span=key_span,
                        ),
                        j + 1,
                    )
                raise self.fail("expected ',' or ']'", j)
        if ch == '"':
            s, j = self.string(i)
            return Node("scalar", s, self.span(i, j), key_span=key_span), j
        for literal, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, i):
                j = i + len(literal)
                return Node("scalar", val, self.span(i, j), key_span=key_span), j
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            raw = m.group(0)
            try:
                num: int | float = float(raw) if any(c in raw for c in ".eE") else int(raw)
            except ValueError as exc:  # more digits than int() converts
                raise self.fail(f"number too long ({len(raw)} characters)", i) from exc
            return Node("scalar", num, self.span(i, m.end()), key_span=key_span), m.end()
        raise self.fail(f"unexpected character {ch!r}", i)


def parse_json(text: str, max_depth: int = 200) -> Node:
    """Parse one JSON document, keeping positions. Raises SourceError."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return _JsonParser(text, max_depth).parse()
    except RecursionError as exc:  # a max_depth above what the interpreter can recurse
        raise SourceError(
            f"JSON nesting too deep for the parser (limits.max_nesting_depth is {max_depth})"
        ) from exc


# ---------------------------------------------------------------------------- INI
@dataclass(frozen=True, slots=True)
class IniEntry:
    key: str
    value: str
    key_span: Span
    value_span: Span
    line: int


@dataclass(frozen=True, slots=True)
class IniSection:
    name: str
    span: Span
    entries: tuple[IniEntry, ...]

    def get(self, key: str) -> IniEntry | None:
        found = None
        for entry in self.entries:
            if entry.key == key:
                found = entry
        return found


@dataclass(frozen=True, slots=True)
class IniDocument:
    sections: tuple[IniSection, ...]

    def section(self, name: str) -> IniSection | None:
        for sec in self.sections:
            if sec.name == name:
                return sec
        return None


# Linear-time patterns: no two adjacent parts can match the same characters.
_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]*)\]\s*(?:[#;].*)?$")
# An inline comment is ' #' after a value. ';' starts only whole-line comments: configobj
# (DVC) and configparser (MLflow's basic_auth.ini) both keep 'a = x ;y' as 'x ;y'.
_INLINE_COMMENT = re.compile(r"\s#")


def _unquote(raw: str) -> tuple[str, int, int]:
    """(value, start offset, end offset) of an INI value within ``raw`` (``raw`` has no
    surrounding whitespace)."""
    for triple in ("'''", '"""'):  # configobj writes these when both quotes occur
        if raw.startswith(triple) and len(raw) >= 6:
            if raw.endswith(triple):
                return raw[3:-3], 3, len(raw) - 3
            m = re.compile(re.escape(triple) + r"\s*#").search(raw, 3)
            if m:
                return raw[3 : m.start()], 3, m.start()
    if raw[:1] in ("'", '"'):
        close = raw.find(raw[0], 1)
        rest = raw[close + 1 :].lstrip() if close != -1 else "x"
        if not rest or rest[0] == "#":  # configobj: a quoted value, then a comment
            return raw[1:close], 1, close
    # configobj: an unquoted value ends at an inline comment
    m = _INLINE_COMMENT.search(raw)
    if m:
        raw = raw[: m.start()]
    return raw.strip(), 0, len(raw.rstrip())


def _split_entry(line: str) -> tuple[str, int, str, int] | None:
    """(key, key offset, value, value offset) of ``key = value`` (or ``key: value``)."""
    cuts = [i for i in (line.find("="), line.find(":")) if i != -1]
    if not cuts:
        return None
    sep = min(cuts)
    key = line[:sep].strip()
    if not key:
        return None
    kstart = len(line) - len(line.lstrip())
    value = line[sep + 1 :].strip()
    vstart = sep + 1 + (len(line[sep + 1 :]) - len(line[sep + 1 :].lstrip()))
    return key, kstart, value, vstart


def parse_ini(text: str) -> IniDocument:
    """Parse git/DVC-style INI (the configobj dialect DVC writes). Entries before any
    section belong to a section named "". Raises SourceError on a malformed line."""
    sections: list[IniSection] = []
    name = ""
    start = Span(1, 1, 1, 1)
    entries: list[IniEntry] = []
    for lineno, line in enumerate(_LINE_BREAK.split(text), start=1):
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        msec = _SECTION.match(line)
        if msec:
            if entries or name:
                sections.append(IniSection(name=name, span=start, entries=tuple(entries)))
            raw = msec.group("name").strip()
            if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
                raw = raw[1:-1]  # a quoted name keeps its spaces, as in configobj
            name = raw
            col = line.index("[") + 1
            start = Span(lineno, col, lineno, msec.end("name") + 2)  # through the ']'

            entries = []
            continue
        entry = _split_entry(line)
        if entry is None:
            raise SourceError(
                "cannot parse INI line: expected 'key = value' or '[section]'", lineno
            )
        key, kstart, raw_value, vstart = entry
        kcol = kstart + 1
        value, vs, ve = _unquote(raw_value)
        vcol = vstart + 1
        entries.append(
            IniEntry(
                key=key,
                value=value,
                key_span=Span(lineno, kcol, lineno, kcol + len(key)),
                value_span=Span(lineno, vcol + vs, lineno, vcol + max(ve, vs)),
                line=lineno,
            )
        )
    if entries or name:
        sections.append(IniSection(name=name, span=start, entries=tuple(entries)))
    return IniDocument(sections=tuple(sections))
