"""The ``serving_code`` family: deserialisation calls in Python source, found with ``ast``.

Every call to a deserialiser that can run code (pickle and its relatives, ``torch.load``,
``yaml.load``, ``numpy.load``, ``joblib.load``, ``pandas.read_pickle``, ...) becomes a fact
with its exact position and the arguments that decide whether it is safe
(``weights_only``, ``Loader``, ``allow_pickle``). Import aliases are resolved
(``import pickle as pk``, ``from joblib import load``). Facts are data; the Rego control
MLS-SRV-005 decides which calls are unsafe.

Test code is not serving code: files under ``tests/`` or ``test/`` folders, ``test_*.py``,
``*_test.py`` and ``conftest.py`` are skipped.
"""

from __future__ import annotations

import ast
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, file_failed
from mlscan.collectors.python_imports import import_aliases
from mlscan.models import Notification
from mlscan.workspace import Workspace, WorkspaceFile

SOURCE = "serving_code"
TEST_DIRS = frozenset({"tests", "test", "testing"})

# canonical dotted name -> kind
DESERIALIZERS: dict[str, str] = {
    **{f"{m}.{f}": "pickle" for m in ("pickle", "_pickle", "cPickle")
       for f in ("load", "loads", "Unpickler")},
    "dill.load": "pickle", "dill.loads": "pickle",
    "cloudpickle.load": "pickle", "cloudpickle.loads": "pickle",
    "joblib.load": "joblib", "sklearn.externals.joblib.load": "joblib",
    "pandas.read_pickle": "pickle", "shelve.open": "pickle",
    "torch.load": "torch",
    "yaml.load": "yaml", "yaml.load_all": "yaml", "yaml.unsafe_load": "yaml",
    "yaml.unsafe_load_all": "yaml", "yaml.full_load": "yaml", "yaml.full_load_all": "yaml",
    "numpy.load": "numpy",
    # MLflow flavours whose models are pickles (cloudpickle/pickle, or a full torch.load)
    **{f"mlflow.{flavour}.load_model": "mlflow-pickle"
       for flavour in ("sklearn", "pytorch", "pyfunc", "statsmodels", "fastai", "pmdarima",
                       "langchain", "diviner", "sktime")},
    "mlflow.pyfunc.load_pyfunc": "mlflow-pickle",
}
# common aliases that need no import to be recognised in the canonical table
MODULE_ALIASES = {"np": "numpy", "pd": "pandas"}


def _is_test_path(path: str) -> bool:
    p = PurePosixPath(path)
    if any(part in TEST_DIRS for part in p.parts[:-1]):
        return True
    return p.name.startswith("test_") or p.name.endswith("_test.py") or p.name == "conftest.py"


def _dotted(node: ast.expr, names: dict[str, str]) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    base = names.get(node.id) or MODULE_ALIASES.get(node.id)
    if base is None:
        return None
    return ".".join([base, *reversed(parts)])


def _canonical(dotted: str) -> str:
    for prefix, real in (("numpy.lib.npyio.", "numpy."), ("torch.serialization.", "torch."),
                         ("joblib.numpy_pickle.", "joblib."), ("pandas.io.pickle.", "pandas.")):
        if dotted.startswith(prefix):
            return real + dotted[len(prefix):]
    return dotted


def _const(node: ast.expr | None) -> Any:
    """The constant value of an argument: True/False/None/str, 'dynamic' if computed,
    None when the argument is absent."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, bool | str | int | type(None)):
        return node.value
    return "dynamic"


def _argument(call: ast.Call, keyword: str, position: int | None) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value
    if position is not None and len(call.args) > position:
        arg = call.args[position]
        if not isinstance(arg, ast.Starred):
            return arg
    return None


def _call_fact(call: ast.Call, api: str, written: str, names: dict[str, str], path: str
               ) -> dict[str, Any]:
    kind = DESERIALIZERS[api]
    args: dict[str, Any] = {}
    if api == "torch.load":
        args["weights_only"] = _const(_argument(call, "weights_only", None))
    elif kind == "yaml" and api in ("yaml.load", "yaml.load_all"):
        loader = _argument(call, "Loader", 1)
        if loader is None:
            args["loader"] = None
        else:
            resolved = _dotted(loader, names)
            args["loader"] = resolved if resolved is not None else "dynamic"
    elif api == "numpy.load":
        args["allow_pickle"] = _const(_argument(call, "allow_pickle", 2))
    elif kind == "mlflow-pickle":
        args["model_uri"] = _uri_text(_argument(call, "model_uri", 0))
    end_line = call.end_lineno or call.lineno
    end_col = (call.end_col_offset + 1) if call.end_col_offset is not None else None
    return {
        "api": api,
        "kind": kind,
        "written": written,
        "arguments": args,
        "loc": {"path": path, "line": call.lineno, "col": call.col_offset + 1,
                "end_line": end_line, "end_col": end_col},
    }


def _uri_text(node: ast.expr | None) -> str | None:
    """The literal part of a model URI (``models:/{name}/latest`` for an f-string),
    "dynamic" when computed, None when absent."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values
        )
    return "dynamic"


def _source_text(node: ast.expr) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # best effort, for messages only
        return "<call>"


class _CallFinder(ast.NodeVisitor):
    """Deserialiser calls with the qualified name of their enclosing function or class."""

    def __init__(self, names: dict[str, str], path: str) -> None:
        self.names = names
        self.path = path
        self.scope: list[str] = []
        self.found: list[dict[str, Any]] = []

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = _scoped
    visit_AsyncFunctionDef = _scoped
    visit_ClassDef = _scoped

    def visit_Call(self, node: ast.Call) -> None:
        dotted = _dotted(node.func, self.names)
        if dotted is not None:
            api = _canonical(dotted)
            if api in DESERIALIZERS:
                fact = _call_fact(node, api, _source_text(node.func), self.names, self.path)
                fact["scope"] = ".".join(self.scope) or "<module>"
                self.found.append(fact)
        self.generic_visit(node)


def calls_in_source(
    text: str, path: str, tree: ast.Module | None = None
) -> list[dict[str, Any]]:
    """Deserialiser calls in one module. ``tree`` comes from the parse cache in a scan;
    without it ``text`` is parsed here (raises SyntaxError/ValueError on bad source).

    ``scope`` and ``occurrence`` (1-based, per api within the scope, in source order) identify
    a call independently of its line, for stable finding fingerprints.
    """
    if tree is None:
        tree = ast.parse(text, filename=path)
    finder = _CallFinder(import_aliases(tree), path)
    finder.visit(tree)
    facts = sorted(finder.found, key=lambda f: (f["loc"]["line"], f["loc"]["col"]))
    seen: dict[tuple[str, str], int] = {}
    for fact in facts:
        key = (fact["scope"], fact["api"])
        seen[key] = seen.get(key, 0) + 1
        fact["occurrence"] = seen[key]
    return facts


class ServingCodeCollector:
    family = "serving_code"

    def _files(self, ws: Workspace) -> list[WorkspaceFile]:
        return [f for f in ws.candidates() if f.suffix == ".py" and not _is_test_path(f.path)]

    def applies(self, ws: Workspace) -> bool:
        return bool(self._files(ws))

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        calls: list[dict[str, Any]] = []
        notes: list[Notification] = []
        read: list[str] = []
        cache = ctx.parsed
        for f in self._files(ws):
            # over limits.max_python_size, unreadable, a syntax error: noted once by the cache
            if cache.over_limit("python", f.path):
                continue
            text = cache.text(f.path)
            # cheap pre-filter: no deserialiser name, no parse
            if text is None or not any(
                word in text for word in ("load", "Unpickler", "read_pickle", "shelve")
            ):
                continue
            tree = cache.python_ast(f.path)
            if tree is None:
                continue
            try:
                found = calls_in_source(text, f.path, tree)
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(f.path, SOURCE, exc))
                continue
            read.append(f.path)
            calls.extend(found)
        calls.sort(key=lambda c: (c["loc"]["path"], c["loc"]["line"], c["loc"]["col"]))
        return CollectorOutput(facts={"calls": calls}, notifications=tuple(sorted(notes)),
                               files=tuple(sorted(read)))
