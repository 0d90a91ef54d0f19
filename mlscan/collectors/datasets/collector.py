"""Datasets: column schemas, personal data in headers and sampled values, dataset cards.

Reads, with bounded effort:

* CSV / TSV headers and the first ``SAMPLE_ROWS`` rows (at most ``SAMPLE_BYTES``);
* JSON Lines keys of the first ``SAMPLE_ROWS`` records;
* Parquet schemas (footer only, with pyarrow when importable; otherwise the file is noted
  as skipped);
* column schemas: Great Expectations suites, Pandera YAML schemas, Frictionless table
  schemas / ``datapackage.json``;
* dataset cards (``README.md`` in a data folder, ``*dataset*card*.md``, ``datacard.md``,
  ``DATASHEET.md``): front matter, headings, ``| Field | Value |`` tables and
  ``Field: value`` lines, for source, licence, consent / legal basis and purpose.

Facts carry column names, detectors and match counts with the header location, never a
value. Facts go under ``datasets``; docs/facts.md documents every field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import (
    CollectContext,
    CollectorOutput,
    file_failed,
    line_loc,
    notification,
)
from mlscan.collectors.datasets.pii import column_category, personal_mentions, value_hits
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.sourcemap import Node, SourceError
from mlscan.workspace import Workspace

SOURCE = "datasets"
SAMPLE_ROWS = 200
SAMPLE_BYTES = 256 * 1024
TABULAR = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
PARQUET = (".parquet", ".pq")
DATA_DIRS = frozenset({"data", "datasets", "dataset", "raw", "processed", "interim", "corpus"})
CARD_NAMES = frozenset({"datacard.md", "data_card.md", "datasheet.md", "dataset_card.md"})
SCHEMA_SUFFIXES = (".json", ".yaml", ".yml")

STATEMENTS: dict[str, re.Pattern[str]] = {
    "source": re.compile(r"\b(source|sources|provenance|origin|collected|collection)\b", re.I),
    "licence": re.compile(r"\b(licen[cs]e[sd]?|terms of use|copyright)\b", re.I),
    "consent": re.compile(
        r"\b(consent|legal basis|lawful basis|privacy notice|notice|legitimate interest)\b", re.I
    ),
    "purpose": re.compile(r"\b(purpose|purposes|intended use|intended uses|uses)\b", re.I),
}
FRONT_MATTER_KEYS = {
    "source": ("source", "sources", "source_datasets", "provenance", "origin"),
    "licence": ("license", "licence", "license_name", "license_link"),
    "consent": ("consent", "legal_basis", "lawful_basis", "privacy_notice"),
    "purpose": ("purpose", "intended_use", "intended_uses", "task_categories"),
}


class DatasetsCollector:
    family = "datasets"

    def applies(self, ws: Workspace) -> bool:
        return any(_kind(f.path) is not None for f in ws.candidates(include_ignored=True))

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        files: list[dict[str, Any]] = []
        schemas: list[dict[str, Any]] = []
        cards: list[dict[str, Any]] = []
        notes: list[Notification] = []
        parsed: list[str] = []
        all_paths = {f.path for f in ws.candidates(include_ignored=True)}
        dvc_paths = _dvc_tracked(ctx, all_paths)
        for f in ws.candidates(include_ignored=True):
            kind = _kind(f.path)
            if kind is None:
                continue
            try:
                if kind in ("csv", "tsv", "jsonl", "parquet"):
                    fact = _tabular(ws, f.path, kind, notes, ctx.config.limits.max_nesting_depth)
                    if fact is not None:
                        fact["dvc_tracked"] = f.path in dvc_paths
                        files.append(fact)
                        parsed.append(f.path)
                elif kind == "card":
                    cards.append(_card(ws, f.path, all_paths))
                    parsed.append(f.path)
                elif kind == "schema":
                    schema = _schema(ws, f.path, ctx)
                    if schema is not None:
                        schemas.append(schema)
                        parsed.append(f.path)
            except FileReadError as exc:
                notes.append(notification(f.path, exc.reason, SOURCE, kind=exc.kind))
            except SourceError as exc:
                notes.append(notification(f.path, str(exc), SOURCE, line=exc.line))
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(f.path, SOURCE, exc))
        return CollectorOutput(
            facts={"files": files, "schemas": schemas, "cards": cards},
            notifications=tuple(sorted(notes)),
            files=tuple(sorted(parsed)),
        )


# ------------------------------------------------------------------------ kinds
def _kind(path: str) -> str | None:
    p = PurePosixPath(path)
    low = p.name.lower()
    suffix = p.suffix.lower()
    parents = [part.lower() for part in p.parts[:-1]]
    if suffix in TABULAR:
        return TABULAR[suffix]
    if suffix in PARQUET:
        return "parquet"
    if low in CARD_NAMES or (low.endswith(".md") and "dataset" in low and "card" in low):
        return "card"
    if low == "readme.md" and parents and parents[-1] in DATA_DIRS:
        return "card"
    if suffix in SCHEMA_SUFFIXES and (
        "schema" in low
        or "expectation" in low
        or low == "datapackage.json"
        or any(part in ("expectations", "great_expectations", "schemas") for part in parents)
    ):
        return "schema"
    return None


def _dvc_tracked(ctx: CollectContext, paths: set[str]) -> set[str]:
    """Files with a ``<file>.dvc`` sidecar, or named as a stage dep/out in a dvc.yaml."""
    tracked = {p[:-4] for p in paths if p.endswith(".dvc") and not p.endswith("/.dvc")}
    for p in paths:
        if PurePosixPath(p).name != "dvc.yaml":
            continue
        base = str(PurePosixPath(p).parent)
        docs = ctx.parsed.yaml(p)  # a rejected dvc.yaml is noted once, by the parse cache
        if docs is None:
            continue
        for doc in docs:
            stages = doc.get("stages") if doc.kind == "map" else None
            if stages is None or stages.kind != "map":
                continue
            for _name, stage in stages.items():
                if stage.kind != "map":
                    continue
                for key in ("deps", "outs"):
                    seq = stage.get(key)
                    for item in seq.children if seq is not None and seq.kind == "seq" else []:
                        value = (
                            item.value if item.kind == "scalar" else next(iter(item.value), None)
                        )
                        if isinstance(value, str):
                            tracked.add(value if base == "." else f"{base}/{value}")
    return tracked


# --------------------------------------------------------------------- tabular
def _prefix(ws: Workspace, rel: str) -> bytes:
    """The first SAMPLE_BYTES of a file (through the workspace's symlink check)."""
    real = ws.abspath(rel)
    try:
        with real.open("rb") as fh:
            return fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise FileReadError(rel, f"cannot be read ({exc.strerror})") from exc


def _column(name: str, index: int, loc: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "index": index, "category": column_category(name), "loc": loc}


def _tabular(
    ws: Workspace, rel: str, kind: str, notes: list[Notification], max_depth: int
) -> dict[str, Any] | None:
    if kind == "parquet":
        return _parquet(ws, rel, notes)
    data = _prefix(ws, rel)
    entry = ws.get(rel)
    truncated = entry is not None and entry.size > len(data)
    text = data.decode("utf-8-sig", errors="replace")
    if truncated:
        text = text[: text.rfind("\n") + 1] if "\n" in text else text
    if kind == "jsonl":
        return _jsonl(rel, text, truncated, notes, max_depth)
    lines = text.splitlines()
    header_line = next((i + 1 for i, line in enumerate(lines) if line.strip()), None)
    if header_line is None:
        return None
    delimiter = "\t" if kind == "tsv" else ","
    raw_header = lines[header_line - 1]
    if kind == "csv" and raw_header.count(";") > raw_header.count(","):
        delimiter = ";"
    reader = csv.reader(io.StringIO("\n".join(lines[header_line - 1 :])), delimiter=delimiter)
    try:
        header = next(reader)
        rows = [row for _, row in zip(range(SAMPLE_ROWS), reader, strict=False)]
    except csv.Error as exc:
        notes.append(notification(rel, f"CSV cannot be parsed ({exc})", SOURCE))
        return None
    cols = _header_columns(rel, raw_header, header, header_line, delimiter)
    samples = [[row[i] if i < len(row) else "" for row in rows] for i in range(len(header))]
    return _file_fact(rel, kind, header_line, raw_header, cols, samples, len(rows), truncated)


def _header_columns(
    rel: str, raw: str, header: list[str], line: int, delimiter: str
) -> list[dict[str, Any]]:
    offsets: list[int] | None = None
    cells: list[str] = []
    if '"' not in raw:
        cells = raw.split(delimiter)  # once: a wide header must stay linear
        offsets, pos = [], 0
        for cell in cells:
            offsets.append(pos)
            pos += len(cell) + 1
    cols = []
    for i, name in enumerate(header):
        if offsets is not None and i < len(offsets):
            start = offsets[i] + 1 + (len(cells[i]) - len(cells[i].lstrip()))
            loc = line_loc(rel, line, start, start + len(name.strip()))
        else:
            loc = line_loc(rel, line, 1, len(raw) + 1)
        cols.append(_column(name.strip(), i, loc))
    return cols


def _jsonl(
    rel: str, text: str, truncated: bool, notes: list[Notification], max_depth: int
) -> dict[str, Any] | None:
    keys: dict[str, dict[str, Any]] = {}
    refused: list[int] = []
    values: dict[str, list[str]] = {}
    first_line: int | None = None
    rows = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if rows >= SAMPLE_ROWS:
            break
        if not line.strip():
            continue
        if _nesting(line) > max_depth:
            refused.append(lineno)  # never handed to json: a deep line would recurse
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        except (ValueError, RecursionError):  # e.g. an integer over Python's digit limit
            refused.append(lineno)
            continue
        if not isinstance(record, dict):
            continue
        rows += 1
        first_line = first_line or lineno
        for key, value in record.items():
            if key not in keys:
                keys[key] = _column(str(key), len(keys), line_loc(rel, lineno))
            if isinstance(value, str | int):
                values.setdefault(key, []).append(str(value))
    if refused:
        notes.append(
            notification(
                rel,
                f"{len(refused)} JSON Lines record(s) skipped (nested deeper than "
                f"limits.max_nesting_depth={max_depth} or a number out of range), "
                f"first at line {refused[0]}",
                SOURCE,
                kind="limit",
                line=refused[0],
            )
        )
    if first_line is None:
        return None
    cols = list(keys.values())
    samples = [values.get(c["name"], []) for c in cols]
    return _file_fact(rel, "jsonl", first_line, None, cols, samples, rows, truncated)


def _nesting(line: str) -> int:
    """The deepest bracket nesting of a JSON line (strings included: an upper bound)."""
    depth = deepest = 0
    for ch in line:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _parquet(ws: Workspace, rel: str, notes: list[Notification]) -> dict[str, Any] | None:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # lazy: Parquet only
    except ImportError:
        notes.append(
            notification(
                rel,
                "Parquet schema not read: pyarrow is not installed (pip install pyarrow)",
                SOURCE,
                kind="skipped",
                level="note",
            )
        )
        return None
    try:
        schema = pq.read_schema(str(ws.abspath(rel)))
    except (OSError, ValueError) as exc:  # pyarrow raises ArrowInvalid (a ValueError)
        notes.append(notification(rel, f"Parquet schema cannot be read ({exc})", SOURCE))
        return None
    cols = [_column(str(name), i, line_loc(rel, None)) for i, name in enumerate(schema.names)]
    return _file_fact(rel, "parquet", None, None, cols, [[] for _ in cols], 0, False)


def _file_fact(
    rel: str,
    fmt: str,
    header_line: int | None,
    raw_header: str | None,
    cols: list[dict[str, Any]],
    samples: list[list[str]],
    rows: int,
    truncated: bool,
) -> dict[str, Any]:
    personal: list[dict[str, Any]] = []
    for col, sample in zip(cols, samples, strict=True):
        if col["category"] is not None:
            personal.append(
                {
                    "column": col["name"],
                    "detector": "column-name",
                    "category": col["category"],
                    "matches": None,
                    "loc": col["loc"],
                }
            )
        for detector, count in sorted(value_hits(sample).items()):
            personal.append(
                {
                    "column": col["name"],
                    "detector": detector,
                    "category": detector,
                    "matches": count,
                    "loc": col["loc"],
                }
            )
    end = len(raw_header) + 1 if raw_header is not None else None
    return {
        "path": rel,
        "format": fmt,
        "columns": cols,
        "rows_sampled": rows,
        "sample_truncated": truncated,
        "personal_data": personal,
        "loc": line_loc(rel, header_line, 1 if header_line else None, end),
    }


# ---------------------------------------------------------------------- schemas
def _schema(ws: Workspace, rel: str, ctx: CollectContext) -> dict[str, Any] | None:
    docs: list[Node] | None
    if rel.lower().endswith(".json"):
        node = ctx.parsed.json(rel)
        docs = None if node is None else [node]
    else:
        docs = ctx.parsed.yaml(rel)
    for doc in docs or ():  # a rejected file is noted once, by the parse cache
        if doc.kind != "map":
            continue
        found = _schema_columns(doc)
        if found is None:
            continue
        kind, nodes = found
        cols = []
        for i, (name, node) in enumerate(nodes):
            span = node.key_span or node.span
            cols.append(_column(name, i, span.loc(rel)))
        personal = [
            {
                "column": c["name"],
                "detector": "column-name",
                "category": c["category"],
                "matches": None,
                "loc": c["loc"],
            }
            for c in cols
            if c["category"] is not None
        ]
        return {
            "path": rel,
            "kind": kind,
            "columns": cols,
            "personal_data": personal,
            "loc": doc.span.loc(rel),
        }
    return None


def _schema_columns(doc: Node) -> tuple[str, list[tuple[str, Node]]] | None:
    if doc.get("expectation_suite_name") is not None or doc.get("expectations") is not None:
        out: list[tuple[str, Node]] = []
        seen: set[str] = set()
        exps = doc.get("expectations")
        for exp in exps.children if exps is not None and exps.kind == "seq" else []:
            kwargs = exp.get("kwargs") if exp.kind == "map" else None
            col = kwargs.get("column") if kwargs is not None and kwargs.kind == "map" else None
            if col is not None and isinstance(col.value, str) and col.value not in seen:
                seen.add(col.value)
                out.append((col.value, col))
        return "great-expectations", out
    columns = doc.get("columns")
    if (
        columns is not None
        and columns.kind == "map"
        and (doc.get("schema_type") is not None or doc.get("version") is not None)
    ):
        return "pandera", [(k, n) for k, n in columns.items()]
    fields = doc.get("fields")
    if fields is None:
        resources = doc.get("resources")
        for res in resources.children if resources is not None and resources.kind == "seq" else []:
            schema = res.get("schema") if res.kind == "map" else None
            if schema is not None and schema.kind == "map":
                fields = schema.get("fields")
                break
    if fields is not None and fields.kind == "seq":
        out = []
        for fld in fields.children:
            name = fld.get("name") if fld.kind == "map" else None
            if name is not None and isinstance(name.value, str):
                out.append((name.value, name))
        return "frictionless", out
    return None


# ------------------------------------------------------------------------ cards
_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_MAX_CARD_LINES = 5000
_TABLE_ROW = re.compile(r"^\|\s*\**([^|*]+?)\**\s*\|\s*([^|]*\S)\s*\|")
_FIELD_LINE = re.compile(r"^\s*[-*]?\s*\**([A-Za-z][A-Za-z /()-]{1,40}?)\**\s*:\s*\**\s*(\S.*)$")


def _card(ws: Workspace, rel: str, all_paths: set[str]) -> dict[str, Any]:
    text = ws.read_text(rel)
    lines = text.splitlines()
    statements: dict[str, dict[str, Any]] = {}
    title: str | None = None
    title_line = 1
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            start = end + 1
            for i in range(1, end):
                key = lines[i].split(":", 1)[0].strip().lower()
                for stmt, names in FRONT_MATTER_KEYS.items():
                    if key in names and stmt not in statements and ":" in lines[i]:
                        statements[stmt] = {"line": i + 1, "via": "front-matter"}
    for i in range(start, len(lines)):
        line = lines[i]
        m = _HEADING.match(line)
        label: str | None = None
        via = ""
        if m:
            if title is None:
                title, title_line = m.group(2), i + 1
            label, via = m.group(2), "heading"
        elif (t := _TABLE_ROW.match(line)) and not set(t.group(2)) <= set("-: "):
            if t.group(1).strip().lower() not in ("field", "key"):
                label, via = t.group(1), "table"
        elif f := _FIELD_LINE.match(line):
            label, via = f.group(1), "field"
        if label is None:
            continue
        for stmt, pattern in STATEMENTS.items():
            if stmt not in statements and pattern.search(label):
                statements[stmt] = {"line": i + 1, "via": via}
    directory = str(PurePosixPath(rel).parent)
    prefix = "" if directory == "." else directory + "/"
    describes = sorted(
        p
        for p in all_paths
        if p.startswith(prefix) and "/" not in p[len(prefix) :] and _kind(p) in TABULAR.values()
    )
    return {
        "path": rel,
        "title": title,
        "statements": {
            stmt: {
                "present": stmt in statements,
                "via": statements.get(stmt, {}).get("via"),
                "loc": line_loc(rel, statements[stmt]["line"]) if stmt in statements else None,
            }
            for stmt in STATEMENTS
        },
        "describes": describes,
        "personal_mentions": personal_mentions(
            (i + 1, line)
            for i, line in enumerate(lines[:_MAX_CARD_LINES])
            if i >= start and not _HEADING.match(line)
        ),
        "loc": line_loc(rel, title_line, 1, len(lines[title_line - 1]) + 1 if lines else None),
    }
