"""The ``storage_refs`` family: buckets that Python code reads or writes by a literal name.

Evidence for the link stage's bucket roles: a ``boto3`` call (``download_file("acme-models",
...)``, ``get_object(Bucket="acme-data", ...)``, ``resource("s3").Bucket("acme-models")``),
a ``google.cloud.storage`` call (``client.bucket("acme-models")``, ``get_bucket``), or any
call given a literal ``s3://`` / ``gs://`` URL (``gcsfs``, ``s3fs``, ``pandas.read_csv``...).
Only literal strings count; the code is parsed (never run) through the parse cache.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, line_loc
from mlscan.workspace import Workspace

_MARKERS = re.compile(r"boto3|gcsfs|s3fs|google\.cloud|s3://|gs://|gcs://")
_URL = re.compile(r"^(s3|gs|gcs)://([a-z0-9][a-z0-9._-]{1,220})(/.*)?$")
# boto3 client methods whose first positional argument (or Bucket=) is the bucket
_BUCKET_FIRST = frozenset(
    {"download_file", "download_fileobj", "Bucket", "Object", "list_objects", "list_objects_v2",
     "get_object", "put_object", "delete_object", "head_object", "copy_object", "bucket",
     "get_bucket", "lookup_bucket"}
)  # fmt: skip
# methods whose bucket comes second: upload_file(Filename, Bucket, Key)
_BUCKET_SECOND = frozenset({"upload_file", "upload_fileobj"})
_GCS_METHODS = frozenset({"bucket", "get_bucket", "lookup_bucket"})


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return "?"


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def references(rel: str, tree: ast.Module) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        method = name.rsplit(".", 1)[-1]
        found: list[tuple[str, str]] = []  # (scheme, url)
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            text = _literal(arg)
            if text and _URL.match(text):
                found.append(("url", text))
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        bucket = _literal(keywords.get("Bucket"))
        if bucket is None and method in _BUCKET_FIRST and node.args:
            bucket = _literal(node.args[0])
        if bucket is None and method in _BUCKET_SECOND and len(node.args) > 1:
            bucket = _literal(node.args[1])
        if bucket and re.fullmatch(r"[a-z0-9][a-z0-9._-]{1,220}", bucket):
            key = _literal(keywords.get("Key"))
            if key is None and method in _BUCKET_FIRST and len(node.args) > 1:
                key = _literal(node.args[1])
            if key is None and method in _BUCKET_SECOND and len(node.args) > 2:
                key = _literal(node.args[2])
            scheme = "gs" if method in _GCS_METHODS or "storage" in name else "s3"
            found.append(("bucket", f"{scheme}://{bucket}/{key or ''}".rstrip("/")))
        for _, url in found:
            out.append(
                {
                    "call": name,
                    "url": url,
                    "loc": line_loc(rel, node.lineno, node.col_offset + 1),
                }
            )
    return out


class StorageRefsCollector:
    family = "storage_refs"

    def applies(self, ws: Workspace) -> bool:
        return any(f.suffix == ".py" for f in ws.candidates())

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        found: list[dict[str, Any]] = []
        files: list[str] = []
        for f in ws.candidates():
            if f.suffix != ".py":
                continue
            text = ctx.parsed.text(f.path)
            if text is None or not _MARKERS.search(text):
                continue
            tree = ctx.parsed.python_ast(f.path)
            if tree is None:
                continue
            refs = references(f.path, tree)
            if refs:
                files.append(f.path)
                found.extend(refs)
        unique = {(r["loc"]["path"], r["loc"]["line"], r["loc"]["col"], r["url"]): r for r in found}
        return CollectorOutput(
            facts={"references": [unique[k] for k in sorted(unique)]},
            files=tuple(sorted(set(files))),
        )
