"""Position-keeping YAML reading for DVC files (``dvc.yaml``, ``dvc.lock``, ``*.dvc``).

A small tree over PyYAML's composer: every node keeps the 1-based span of its value and
of the mapping key that holds it, so that facts can point at the exact line of an out
or dep entry. The interface mirrors ``mlscan.sourcemap`` (``Node.value``, ``.span``,
``.key_span``, ``.get``, ``.items``) so the collector can move to the shared parser
without other changes.

Aliases are counted and nesting depth is bounded, so a hostile file cannot make the
scan explode ("billion laughs").
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

import yaml

DEFAULT_MAX_ALIASES = 1000
DEFAULT_MAX_DEPTH = 200


class YamlError(Exception):
    """The text is not valid YAML (or breaks a limit); ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, kw_only=True)
class Span:
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


@dataclass(kw_only=True)
class Node:
    kind: str  # "map" | "seq" | "scalar"
    value: Any
    span: Span
    key_span: Span | None = None
    _items: list[tuple[str, Node]] = field(default_factory=list, repr=False)
    _children: list[Node] = field(default_factory=list, repr=False)

    def get(self, key: str) -> Node | None:
        for k, node in self._items:
            if k == key:
                return node
        return None

    def items(self) -> list[tuple[str, Node]]:
        return list(self._items)

    @property
    def children(self) -> list[Node]:
        return list(self._children) if self.kind == "seq" else [n for _, n in self._items]

    def __getitem__(self, index: int) -> Node:
        return self._children[index]


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(
        line=start.line + 1, col=start.column + 1, end_line=end.line + 1, end_col=end.column + 1
    )


class _Builder:
    def __init__(self, max_aliases: int, max_depth: int) -> None:
        self._constructor = yaml.constructor.SafeConstructor()
        self._seen: set[int] = set()
        self._aliases = 0
        self._max_aliases = max_aliases
        self._max_depth = max_depth

    def build(self, node: yaml.Node, key_span: Span | None = None, depth: int = 0) -> Node:
        if depth > self._max_depth:
            raise YamlError(
                f"nesting deeper than {self._max_depth} levels", node.start_mark.line + 1
            )
        if id(node) in self._seen and not isinstance(node, yaml.ScalarNode):
            self._aliases += 1
            if self._aliases > self._max_aliases:
                raise YamlError(
                    f"more than {self._max_aliases} alias expansions", node.start_mark.line + 1
                )
        self._seen.add(id(node))
        span = _span(node)
        if isinstance(node, yaml.MappingNode):
            items: list[tuple[str, Node]] = []
            for key_node, value_node in node.value:
                key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    raise YamlError("mapping key is not a scalar", key_node.start_mark.line + 1)
                items.append((str(key), self.build(value_node, _span(key_node), depth + 1)))
            value = {k: n.value for k, n in items}
            return Node(kind="map", value=value, span=span, key_span=key_span, _items=items)
        if isinstance(node, yaml.SequenceNode):
            children = [self.build(child, None, depth + 1) for child in node.value]
            return Node(
                kind="seq",
                value=[c.value for c in children],
                span=span,
                key_span=key_span,
                _children=children,
            )
        return Node(kind="scalar", value=self._scalar(node), span=span, key_span=key_span)

    def _scalar(self, node: yaml.Node) -> Any:
        try:
            value = self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise YamlError(_problem(exc), node.start_mark.line + 1) from None
        if isinstance(value, _dt.date | _dt.datetime):
            return value.isoformat()
        if isinstance(value, bytes):
            return None
        return value


def _problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    return str(problem) if problem else "invalid YAML"


def parse_yaml_documents(
    text: str, max_aliases: int = DEFAULT_MAX_ALIASES, max_depth: int = DEFAULT_MAX_DEPTH
) -> list[Node]:
    """Every document of ``text`` as a Node tree; raises YamlError(message, line)."""
    builder = _Builder(max_aliases, max_depth)
    docs: list[Node] = []
    try:
        for root in yaml.compose_all(text, Loader=yaml.SafeLoader):
            if root is not None:
                docs.append(builder.build(root))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(_problem(exc), mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(_problem(exc)) from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {max_depth} levels") from None
    return docs
