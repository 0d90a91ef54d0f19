"""Model inputs outside a committed MLmodel: training-code feature columns and serving
request schemas (``privacy.models[]`` entries with ``source`` ``training-code`` or
``serving-schema``; ``ast`` only, nothing is imported or run).

Training code is a Python file that fits a model (a ``.fit(`` call). Its feature columns
are read from

* a column selection ``df[["a", "b"]]`` / ``df[FEATURES]`` / ``df[CAT + NUM]`` (names bound
  to list literals, concatenations and ``+=`` in the same file), kept when it selects at
  least two columns;
* ``df.drop(target, axis=1)`` / ``df.drop(columns=[...])`` assigned to another name: every
  column of the dataset ``df`` was read from, minus the dropped ones (an in-place cleaning
  step ``df = df.drop("id", axis=1)`` drops them too). The dataset is the committed CSV /
  TSV named by ``pd.read_csv(...)`` (a literal, a name bound to one, an argparse default,
  ``os.path.join`` of those), or by ``sys.argv[N]`` resolved through the commands
  that run the script (``python path/train.py data/x.csv`` in a Makefile, shell script,
  README, ``dvc.yaml``, workflow or Dockerfile).

A serving request schema is a pydantic class used as a route handler's parameter or as a
BentoML IO descriptor's ``pydantic_model=``, in a module that serves a model.

Which inputs are protected attributes, and which models decide about people, is policy
(``rego/lib/privacy.rego``); this module only records names and where they are.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import line_loc
from mlscan.collectors.privacy.serving import ServingModule, schema_fields

FeatureOf = Callable[[str], dict[str, Any]]
HeaderOf = Callable[[str], list[str] | None]

_READS = frozenset({"read_csv", "read_table"})
_FRAME_HINTS = ("read_csv", "read_table", "read_parquet", "DataFrame")
_NAMING_CALLS = frozenset(
    {"set_experiment", "log_model", "save_model", "register_model", "create_registered_model",
     "Service", "load_model", "get", "load", "FastAPI"}
)  # fmt: skip
_LOADERS = ("joblib.", "pickle.", "torch.", "dill.", "cloudpickle.", "bentoml.")
_INVOCATION_FILES = re.compile(
    r"(^|/)(Makefile|makefile|GNUmakefile|Dockerfile[^/]*|Procfile|dvc\.yaml|[^/]+\.(sh|md|rst|txt|ya?ml))$"
)
_PY_CMD = re.compile(r"python[0-9.]*\s+(\S+\.py)((?:[ \t]+[^\s`'\"|;&<>]+)*)")
MAX_INVOCATION_TEXT = 512 * 1024


def is_training_candidate(text: str) -> bool:
    return ".fit(" in text and any(r in text for r in _FRAME_HINTS)


def is_schema_candidate(text: str) -> bool:
    return "BaseModel" in text


# --------------------------------------------------------------------- invocations
def invocations(files: Iterable[tuple[str, str]]) -> dict[str, list[list[str]]]:
    """Script path or name -> the argument lists it is run with, from (path, text) pairs of
    Makefiles, shell scripts, docs, DVC stages, workflows and Dockerfiles."""
    out: dict[str, list[list[str]]] = {}
    for _rel, text in files:
        for m in _PY_CMD.finditer(text[:MAX_INVOCATION_TEXT]):
            script = m.group(1).lstrip("./")
            out.setdefault(script, []).append(m.group(2).split())
    return out


def is_invocation_file(rel: str) -> bool:
    return bool(_INVOCATION_FILES.search(rel))


def run_arguments(rel: str, runs: dict[str, list[list[str]]]) -> list[list[str]]:
    """The argument lists ``rel`` is run with."""
    name = PurePosixPath(rel).name
    found: list[list[str]] = []
    for script, arg_lists in sorted(runs.items()):
        if script == rel or (PurePosixPath(script).name == name and rel.endswith(script)):
            found.extend(arg_lists)
    return found


# ------------------------------------------------------------------------ training
class _Lists:
    """Names bound to lists of column names in one file."""

    def __init__(self, tree: ast.Module):
        self.values: dict[str, list[str]] = {}
        for node in in_order(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    cols = self.resolve(node.value)
                    if cols is not None:
                        self.values[target.id] = cols
            elif (
                isinstance(node, ast.AugAssign)
                and isinstance(node.op, ast.Add)
                and isinstance(node.target, ast.Name)
            ):
                more = self.resolve(node.value)
                if more is not None:
                    self.values[node.target.id] = self.values.get(node.target.id, []) + more

    def resolve(self, node: ast.AST) -> list[str] | None:
        if isinstance(node, ast.List | ast.Tuple):
            items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if items and len(items) == len(node.elts) and all(isinstance(i, str) for i in items):
                return [str(i) for i in items]
            return None
        if isinstance(node, ast.Name):
            return self.values.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.resolve(node.left), self.resolve(node.right)
            if left is not None and right is not None:
                return left + right
        return None


def in_order(tree: ast.AST) -> list[ast.stmt | ast.expr]:
    """Every node, in source order (``ast.walk`` is breadth-first)."""
    nodes = [n for n in ast.walk(tree) if isinstance(n, ast.stmt | ast.expr)]
    return sorted(nodes, key=lambda n: (n.lineno, n.col_offset))


def _argv_index(node: ast.AST, argv_names: dict[str, int]) -> int | None:
    if (
        isinstance(node, ast.Subscript)
        and ast.unparse(node.value) == "sys.argv"
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, int)
    ):
        return node.slice.value
    if isinstance(node, ast.Name):
        return argv_names.get(node.id)
    return None


def _strings(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def model_names(rel: str, tree: ast.Module) -> list[str]:
    """Strings that name the model: experiment, artifact, registered model, service, the
    file a model is loaded from, an API title."""
    names = [rel]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        short = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if short not in _NAMING_CALLS:
            continue
        if short in ("get", "load") and not ast.unparse(func).startswith(_LOADERS):
            continue
        for arg in [*node.args, *[k.value for k in node.keywords]]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                names.append(arg.value[:200])
    return list(dict.fromkeys(names))


def training_models(
    rel: str,
    tree: ast.Module,
    runs: dict[str, list[list[str]]],
    exists: Callable[[str], bool],
    header: HeaderOf,
    feature: FeatureOf,
) -> list[dict[str, Any]]:
    if not any(
        isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "fit"
        for n in ast.walk(tree)
    ):
        return []
    lists = _Lists(tree)
    argv_names: dict[str, int] = {}
    paths: dict[str, str] = _argparse_defaults(tree)  # names (and args.<dest>) -> a path
    frames: dict[str, list[str]] = {}  # DataFrame name -> candidate dataset paths
    dropped: dict[str, list[str]] = {}  # DataFrame name -> columns dropped in place
    selections: list[tuple[ast.stmt, list[str], str | None]] = []
    base = PurePosixPath(rel).parent
    for node, target, value in _assignments(tree):
        idx = _argv_index(value, argv_names)
        if idx is not None:
            argv_names[target.id] = idx
            continue
        literal = _path_value(value, paths)
        if literal is not None:
            paths[target.id] = literal
            continue
        read = _in_chain(value, _READS)
        if read is not None and read.args:
            frames[target.id] = _datasets(read.args[0], argv_names, paths, rel, runs, base, exists)
            continue
        drop = _in_chain(value, frozenset({"drop"}))
        if drop is not None and isinstance(drop.func, ast.Attribute):
            if isinstance(drop.func.value, ast.Name):
                source = drop.func.value.id
                gone = [s for a in drop.args for s in _strings(a)] + [
                    s for k in drop.keywords if k.arg in ("columns", "labels") for s in
                    _strings(k.value)
                ]
                if target.id == source:
                    dropped.setdefault(source, []).extend(gone)
                elif source in frames:
                    selections.append((node, dropped.get(source, []) + gone, source))
            continue
        for sub in ast.walk(value):
            if isinstance(sub, ast.Subscript):
                cols = lists.resolve(sub.slice)
                if cols is not None and len(cols) >= 2:
                    selections.append((node, cols, None))
                    break
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    described = model_names(rel, tree)
    for stmt, cols, frame in sorted(selections, key=lambda s: s[0].lineno):
        dataset = None
        datasets: list[str] = []
        if frame is not None:
            datasets = frames.get(frame, [])
            columns = None
            for d in datasets:
                columns = header(d)
                if columns:
                    dataset = d
                    break
            if not columns or dataset is None:
                continue
            removed = set(cols)
            cols = [c.lstrip("\ufeff") for c in columns if c.lstrip("\ufeff") not in removed]
        key = tuple(cols)
        if not cols or key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "path": rel,
                "source": "training-code",
                "names": list(dict.fromkeys([*described, *datasets])),
                "dataset": dataset,
                "inputs": cols,
                "features": [feature(c) for c in cols],
                "asset": None,
                "impact": None,
                "loc": line_loc(rel, stmt.lineno, stmt.col_offset + 1),
            }
        )
    return out


def _assignments(tree: ast.Module) -> list[tuple[ast.Assign, ast.Name, ast.expr]]:
    """(statement, name, value) in source order, unpacking ``X, y = a, b`` pairwise."""
    out: list[tuple[ast.Assign, ast.Name, ast.expr]] = []
    for node in in_order(tree):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if isinstance(target, ast.Name):
            out.append((node, target, node.value))
        elif (
            isinstance(target, ast.Tuple)
            and isinstance(node.value, ast.Tuple)
            and len(target.elts) == len(node.value.elts)
        ):
            out.extend(
                (node, t, v)
                for t, v in zip(target.elts, node.value.elts, strict=True)
                if isinstance(t, ast.Name)
            )
    return out


def _in_chain(node: ast.AST, attrs: frozenset[str]) -> ast.Call | None:
    """The call of one of ``attrs`` in a method chain (``pd.read_csv(p).dropna()``,
    ``df.drop("y", axis=1).values``)."""
    while True:
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in attrs:
                return node
            node = node.func
        elif isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        else:
            return None


def _path_value(node: ast.AST, paths: dict[str, str]) -> str | None:
    """A path written as a literal, a name bound to one, ``args.<dest>`` with an argparse
    default, or ``os.path.join`` / ``Path(...)`` / ``/`` of those."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return paths.get(node.id)
    if isinstance(node, ast.Attribute):
        return paths.get(f"args.{node.attr}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _path_value(node.left, paths), _path_value(node.right, paths)
        return f"{left}/{right}" if left is not None and right is not None else None
    if isinstance(node, ast.Call) and node.args and not node.keywords:
        name = ast.unparse(node.func)
        if name in ("os.path.join", "path.join", "Path", "pathlib.Path", "join"):
            parts = [_path_value(a, paths) for a in node.args]
            if all(p is not None for p in parts):
                return "/".join(p for p in parts if p is not None)
    return None


def _argparse_defaults(tree: ast.Module) -> dict[str, str]:
    """``args.<dest>`` -> the string default of ``parser.add_argument("--dest", default=...)``."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"
        ):
            continue
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        default = kw.get("default")
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            continue
        dest_node = kw.get("dest")
        if isinstance(dest_node, ast.Constant) and isinstance(dest_node.value, str):
            dest = dest_node.value
        else:
            flags = [a.value for a in node.args if isinstance(a, ast.Constant)]
            longs = [f for f in flags if isinstance(f, str) and f.startswith("--")]
            names = longs or [f for f in flags if isinstance(f, str)]
            if not names:
                continue
            dest = names[0].lstrip("-").replace("-", "_")
        out[f"args.{dest}"] = default.value
    return out


def _datasets(
    arg: ast.AST,
    argv_names: dict[str, int],
    paths: dict[str, str],
    rel: str,
    runs: dict[str, list[list[str]]],
    base: PurePosixPath,
    exists: Callable[[str], bool],
) -> list[str]:
    candidates: list[str] = []
    literal = _path_value(arg, paths)
    if literal is not None:
        candidates = [literal]
    else:
        idx = _argv_index(arg, argv_names)
        if idx is not None and idx >= 1:
            candidates = [a[idx - 1] for a in run_arguments(rel, runs) if len(a) >= idx]
    found: list[str] = []
    for c in candidates:
        c = c.strip("\"'")
        if not c.lower().endswith((".csv", ".tsv")):
            continue
        for path in (str(PurePosixPath(c.lstrip("./"))), str(base / c)):
            if exists(path) and path not in found:
                found.append(path)
                break
    return sorted(found)


# ------------------------------------------------------------------------- serving
def schema_models(
    rel: str,
    tree: ast.Module,
    module: ServingModule | None,
    feature: FeatureOf,
) -> list[dict[str, Any]]:
    """One entry per pydantic request schema of a module that serves a model."""
    imports = {
        alias.name.split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for alias in (n.names if isinstance(n, ast.Import) else [ast.alias(name=n.module or "")])
    }
    bento = "bentoml" in imports
    serves = (module is not None and module.serves_model) or bento
    if not serves:
        return []
    used: list[str] = []
    if module is not None:
        for h in module.handlers:
            used.extend(h.schemas)
    for node in ast.walk(tree):
        if not isinstance(node, ast.keyword) or node.arg != "pydantic_model":
            continue
        if isinstance(node.value, ast.Name):
            used.append(node.value.id)
    classes = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    out: list[dict[str, Any]] = []
    names = model_names(rel, tree)
    for name in dict.fromkeys(used):
        cls = classes.get(name)
        fields = schema_fields(tree, name)
        if cls is None or not fields:
            continue
        out.append(
            {
                "path": rel,
                "source": "serving-schema",
                "names": list(dict.fromkeys([*names, name])),
                "dataset": None,
                "inputs": [f for f, _ in fields],
                "features": [feature(f) for f, _ in fields],
                "asset": None,
                "impact": None,
                "loc": line_loc(rel, cls.lineno, cls.col_offset + 1),
            }
        )
    return out
