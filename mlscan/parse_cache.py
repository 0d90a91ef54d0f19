"""The per-scan parse cache: every file is parsed at most once, always with the configured
limits, and every collector gets the same result.

A collector asks ``ctx.parsed.yaml(path)`` (or ``json``, ``ini``, ``hcl``, ``python_ast``,
``csv_header``, ``text``, ``custom``, ``binary``) and receives the parsed value, or ``None``
when the file was rejected (unreadable, over a limit, a syntax error). The rejection becomes
exactly one notification, owned by the cache and reported once by the scan, whichever
collectors asked.
``rejected(path)`` tells a collector (and the checkov runner) that mlscan refused a file, so
no other parser is handed it.
"""

from __future__ import annotations

import ast
import csv
import io
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from mlscan.config import Limits
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.sourcemap import (
    IniDocument,
    Node,
    SourceError,
    parse_ini,
    parse_json,
    parse_yaml_documents,
)
from mlscan.workspace import Workspace

T = TypeVar("T")

# IPython syntax that is not Python: magics, shell escapes, help (blanked before parsing a cell)
_IPYTHON_LINE = re.compile(r"^\s*(?:[%!]|\?|[\w.]+\?\s*$)")


@dataclass(frozen=True, kw_only=True)
class NotebookCell:
    """One piece of a Jupyter notebook: a code cell's source, or the text of an output.

    ``lines[i]`` is the line *in the .ipynb file* of the cell's line ``i + 1``: when the
    source is a JSON list of strings (what Jupyter writes), each string is one line on its
    own line of the file; when it is one string, every line maps to that string's line.
    """

    index: int  # 0-based cell number
    kind: str  # "code" | "output"
    text: str
    lines: tuple[int, ...]

    def file_line(self, line: int) -> int | None:
        """The .ipynb line of the cell's 1-based ``line``."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else None

_MISSING = object()


# the Limits field bounding each format's file size (checked before reading the file)
SIZE_LIMITS = {
    "yaml": ("max_yaml_size", "YAML"),
    "json": ("max_json_size", "JSON"),
    "ini": ("max_ini_size", "INI"),
    "dvc-config": ("max_ini_size", "INI"),
    "hcl": ("max_hcl_size", "Terraform (HCL)"),
    "python": ("max_python_size", "Python"),
}


class ParseCache:
    """Parsed files of one scan, keyed by (format, repo-relative path)."""

    def __init__(self, ws: Workspace, limits: Limits) -> None:
        self._ws = ws
        self._limits = limits
        self._values: dict[tuple[str, str], Any] = {}
        self._rejected: dict[str, Notification] = {}
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.RLock()

    # -- public API -------------------------------------------------------------------
    def text(self, rel: str) -> str | None:
        """The file's UTF-8 text, or None when it cannot be read."""
        return self._get("text", rel, lambda: self._ws.read_text(rel))

    def yaml(self, rel: str) -> list[Node] | None:
        """Every YAML document of the file, with positions."""
        return self._parsed(
            "yaml",
            rel,
            lambda text: parse_yaml_documents(
                text,
                max_aliases=self._limits.max_yaml_aliases,
                max_depth=self._limits.max_nesting_depth,
            ),
        )

    def json(self, rel: str) -> Node | None:
        return self._parsed(
            "json", rel, lambda text: parse_json(text, max_depth=self._limits.max_nesting_depth)
        )

    def ini(self, rel: str) -> IniDocument | None:
        return self._parsed("ini", rel, parse_ini)

    def hcl(self, rel: str) -> dict[str, Any] | None:
        """The file as python-hcl2 reads it (values without positions)."""

        def load(text: str) -> dict[str, Any]:
            import hcl2  # lazy: installed with checkov

            try:
                value = hcl2.loads(text)  # type: ignore[attr-defined]
            except Exception as exc:  # hcl2 raises lark errors of many types
                line = getattr(exc, "line", None)
                first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                raise SourceError(
                    f"invalid HCL: {first}", line if isinstance(line, int) and line > 0 else None
                ) from exc
            return dict(value)

        return self._parsed("hcl", rel, load)

    def python_ast(self, rel: str) -> ast.Module | None:
        def load(text: str) -> ast.Module:
            try:
                return ast.parse(text, filename=rel)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                line = getattr(exc, "lineno", None)
                raise SourceError(f"Python syntax error: {exc.__class__.__name__}", line) from exc

        return self._parsed("python", rel, load)

    def notebook(self, rel: str) -> tuple[NotebookCell, ...] | None:
        """The code cells and text outputs of a Jupyter notebook (from ``json``)."""
        return self._get("notebook", rel, lambda: _notebook_cells(self.json(rel)))

    def notebook_python(
        self, rel: str
    ) -> tuple[tuple[NotebookCell, ast.Module | None], ...] | None:
        """Every code cell with its AST (None for a cell that is not Python even after
        blanking IPython magics and shell escapes); line numbers are the cell's own."""

        def load() -> tuple[tuple[NotebookCell, ast.Module | None], ...]:
            cells = self.notebook(rel)
            if cells is None:
                raise _Rejected
            out: list[tuple[NotebookCell, ast.Module | None]] = []
            for cell in cells:
                if cell.kind != "code":
                    continue
                code = "\n".join(
                    "" if _IPYTHON_LINE.match(line) else line for line in cell.text.split("\n")
                )
                try:
                    out.append((cell, ast.parse(code, filename=f"{rel}#cell{cell.index}")))
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    out.append((cell, None))
            return tuple(out)

        return self._get("notebook-python", rel, load)

    def csv_header(self, rel: str) -> list[str] | None:
        """The first row of a CSV/TSV file."""

        def load(text: str) -> list[str]:
            first = text.split("\n", 1)[0]
            dialect: type[csv.Dialect] = csv.excel_tab if rel.endswith(".tsv") else csv.excel
            rows = csv.reader(io.StringIO(first), dialect)
            return [c.strip() for c in next(rows, [])]

        return self._parsed("csv", rel, load)

    def custom(self, fmt: str, rel: str, parse: Callable[[str], T]) -> T | None:
        """A format one family owns (e.g. DVC's configobj reading of ``.dvc/config``):
        parsed once under the name ``fmt`` and shared with every collector asking for it.
        ``parse`` raises SourceError to reject the file."""
        return self._parsed(fmt, rel, parse)

    def binary(self, fmt: str, rel: str, parse: Callable[[bytes], T],
               max_size: int | None = None) -> T | None:
        """A binary format one family owns (e.g. the objects MinIO stores inline in
        ``xl.meta``): the bytes (at most ``max_size``, else ``limits.max_file_size``) are
        read and parsed once under the name ``fmt``. ``parse`` raises SourceError to reject
        the file."""
        return self._get(fmt, rel, lambda: parse(self._ws.read_bytes(rel, max_size)))

    def rejected(self, rel: str) -> bool:
        """True when mlscan refused the file: no other parser (checkov included) gets it."""
        return rel in self._rejected

    def reject(self, rel: str, message: str, kind: str = "parse-error", source: str = "") -> None:
        """Record a rejection found outside the cache (e.g. a pre-check for checkov)."""
        with self._lock:
            if rel not in self._rejected:
                self._rejected[rel] = Notification(
                    path=rel, message=message, level="warning", kind=kind, source=source
                )

    @property
    def notifications(self) -> tuple[Notification, ...]:
        return tuple(self._rejected[k] for k in sorted(self._rejected))

    def parse_count(self, fmt: str, rel: str) -> int:
        """How many times the file was actually parsed as ``fmt`` (for tests)."""
        return self._counts.get((fmt, rel), 0)

    # -- internals --------------------------------------------------------------------
    def size_limit(self, fmt: str) -> int | None:
        """The byte limit for files of ``fmt`` (None: only ``limits.max_file_size``)."""
        field = SIZE_LIMITS.get(fmt)
        return int(getattr(self._limits, field[0])) if field else None

    def over_limit(self, fmt: str, rel: str) -> bool:
        """True (and the file rejected, with one notification) when ``rel`` is larger than
        the size limit for ``fmt``; checked from the discovered size, nothing is read."""
        limit = self.size_limit(fmt)
        entry = self._ws.get(rel)
        if limit is None or entry is None or entry.size <= limit:
            return False
        field, label = SIZE_LIMITS[fmt]
        self._reject_once(
            rel,
            f"not parsed: {entry.size} bytes is over the {limit}-byte limit for {label} files "
            f"(limits.{field}); its facts and checks are missing",
            "too-large",
        )
        return True

    def _parsed(self, fmt: str, rel: str, parse: Callable[[str], T]) -> T | None:
        def load() -> T:
            if self.over_limit(fmt, rel):
                raise _Rejected
            text = self.text(rel)
            if text is None:
                raise _Rejected
            return parse(text)

        return self._get(fmt, rel, load)

    def _get(self, fmt: str, rel: str, load: Callable[[], T]) -> T | None:
        key = (fmt, rel)
        with self._lock:
            value = self._values.get(key, _MISSING)
            if value is not _MISSING:
                return value  # type: ignore[no-any-return]
            if rel in self._rejected and fmt == "text":
                return None
            self._counts[key] = self._counts.get(key, 0) + 1
            result: T | None
            try:
                result = load()
            except _Rejected:
                result = None
            except FileReadError as exc:
                self._reject_once(rel, exc.reason, exc.kind)
                result = None
            except SourceError as exc:
                self._reject_once(rel, f"{fmt.upper()} not parsed: {exc}", "parse-error", exc.line)
                result = None
            except (RecursionError, MemoryError):
                self._reject_once(rel, f"{fmt.upper()} not parsed: nested too deeply", "limit")
                result = None
            except Exception as exc:  # a parser bug on one file must not cost the scan
                message = f"{fmt.upper()} not parsed: {type(exc).__name__} in the parser"
                self._reject_once(rel, message, "parse-error")
                result = None
            self._values[key] = result
            return result

    def _reject_once(self, rel: str, message: str, kind: str, line: int | None = None) -> None:
        if rel not in self._rejected:
            self._rejected[rel] = Notification(
                path=rel, message=message, level="warning", kind=kind, source="parse", line=line
            )


def _notebook_cells(doc: Node | None) -> tuple[NotebookCell, ...]:
    if doc is None:
        raise _Rejected
    cells_node = doc.get("cells") if doc.kind == "map" else None
    out: list[NotebookCell] = []
    for index, cell in enumerate(cells_node.children if cells_node is not None else []):
        if cell.kind != "map" or cell.get_str("cell_type") != "code":
            continue
        source = cell.get("source")
        if source is not None:
            out.append(_cell_text(index, "code", source))
        outputs = cell.get("outputs")
        for output in outputs.children if outputs is not None else []:
            if output.kind != "map":
                continue
            text = output.get("text")
            data = output.get("data")
            plain = data.get("text/plain") if data is not None and data.kind == "map" else None
            for node in (text, plain):
                if node is not None:
                    out.append(_cell_text(index, "output", node))
    return tuple(out)


def _cell_text(index: int, kind: str, node: Node) -> NotebookCell:
    """Join a JSON string or list of strings, mapping every text line to its file line."""
    parts = node.children if node.kind == "seq" else [node]
    text_parts: list[str] = []
    lines: list[int] = []
    for part in parts:
        if not isinstance(part.value, str):
            continue
        text_parts.append(part.value)
        count = part.value.count("\n") + (0 if part.value.endswith("\n") else 1)
        lines.extend([part.span.line] * count)
    text = "".join(text_parts)
    if text.endswith("\n"):
        text = text[:-1]
    n = text.count("\n") + 1
    lines = (lines + [lines[-1] if lines else node.span.line] * n)[:n]
    return NotebookCell(index=index, kind=kind, text=text, lines=tuple(lines))


class _Rejected(Exception):
    """The file's text was already rejected."""
