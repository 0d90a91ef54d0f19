"""Model-file paths that Python code names, as glob patterns (``*`` for what is computed).

``joblib.load(os.path.join(model_dir, "model.joblib"))`` gives ``*/model.joblib``;
``open(f"models/{name}.pkl", "rb")`` gives ``models/*.pkl``; a name assigned once from
such an expression stands for it. A path inside a call that writes (``joblib.dump``,
``torch.save``, ``log_artifact``, ``open(..., "wb")``) is not a reference. The code is
parsed, never run.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

MODEL_SUFFIX = re.compile(
    r"\.(pkl|pickle|joblib|jbl|sav|dill|pt|pth|ckpt|bin|h5|hdf5|keras|onnx|safetensors|"
    r"npy|npz|model|cbm|ubj|gguf|pb|tflite|mar)$",
    re.I,
)
_WRITERS = frozenset(
    {"dump", "dumps", "save", "save_model", "save_weights", "save_pretrained", "log_artifact",
     "log_artifacts", "log_model", "to_pickle", "savez", "savez_compressed", "write",
     "write_bytes", "upload_file", "put_object", "dump_model", "export", "to_onnx"}
)  # fmt: skip
_LOADERS = frozenset(
    {"InferenceSession", "Booster", "YOLO", "from_pretrained", "load_learner", "read_pickle",
     "Unpickler", "open"}
)  # fmt: skip
# keyword arguments of a loading call that carry what it loads (a folder counts too)
_PATH_KEYWORD = re.compile(r"(?i)path|uri|file|dir|model|name")
_JOINS = frozenset({"join", "joinpath", "Path", "PurePath", "PosixPath", "abspath", "realpath"})


@dataclass(frozen=True, kw_only=True)
class PathRef:
    pattern: str
    kind: str  # "load" (an argument of a loading call) or "name" (named elsewhere)
    call: str
    line: int
    col: int


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    return "?"


def _write_mode(call: ast.Call) -> bool:
    mode: ast.expr | None = call.args[1] if len(call.args) > 1 else None
    for kw in call.keywords:
        if kw.arg == "mode":
            mode = kw.value
    return (
        isinstance(mode, ast.Constant)
        and isinstance(mode.value, str)
        and any(c in mode.value for c in "wax")
    )


def _is_writer(call: ast.Call) -> bool:
    short = _dotted(call.func).rsplit(".", 1)[-1]
    if short in _WRITERS:
        return True
    return short == "open" and _write_mode(call)


def _is_loader(call: ast.Call) -> bool:
    short = _dotted(call.func).rsplit(".", 1)[-1]
    if short in ("download", "upload") or "download" in short.lower():
        return False
    return "load" in short.lower() or short in _LOADERS


class _Patterns:
    """Resolves an expression to a path pattern, following names assigned in the module."""

    def __init__(self, tree: ast.AST) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self.assigned.setdefault(target.id, []).append(node.value)
            elif (
                isinstance(node, ast.AnnAssign)
                and node.value is not None
                and isinstance(node.target, ast.Name)
            ):
                self.assigned.setdefault(node.target.id, []).append(node.value)

    def of(self, node: ast.expr, depth: int = 0) -> list[str]:
        if depth > 8:
            return ["*"]
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else ["*"]
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant) and isinstance(v.value, str):
                    parts.append(v.value)
                else:
                    parts.append("*")
            return ["".join(parts)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            sep = "/" if isinstance(node.op, ast.Div) else ""
            return [
                f"{a}{sep}{b}"
                for a in self.of(node.left, depth + 1)[:4]
                for b in self.of(node.right, depth + 1)[:4]
            ]
        if isinstance(node, ast.Name):
            values = self.assigned.get(node.id, [])
            if not values or len(values) > 4:
                return ["*"]
            return [p for v in values for p in self.of(v, depth + 1)]
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        return ["*"]

    def _call(self, node: ast.Call, depth: int) -> list[str]:
        name = _dotted(node.func)
        short = name.rsplit(".", 1)[-1]
        if (short == "get" and "environ" in name) or short == "getenv":
            return self.of(node.args[1], depth + 1) if len(node.args) > 1 else ["*"]
        if short in _JOINS and node.args:
            if short == "joinpath" and isinstance(node.func, ast.Attribute):
                return self._joined(self.of(node.func.value, depth + 1)[:4], node.args, depth)
            return self._joined(self.of(node.args[0], depth + 1)[:4], node.args[1:], depth)
        return ["*"]

    def _joined(self, heads: list[str], args: list[ast.expr], depth: int) -> list[str]:
        out = heads
        for arg in args:
            out = [f"{a}/{b}" for a in out for b in self.of(arg, depth + 1)[:4]][:8]
        return out


def _clean(pattern: str) -> str:
    pattern = re.sub(r"\*+", "*", pattern.replace("\\", "/"))
    return re.sub(r"/+", "/", pattern)


def _useful(pattern: str, in_loader: bool) -> bool:
    """Enough literal text to point at files: a model file name with a literal stem or
    folder, or a literal folder passed to a loader."""
    if "://" in pattern and not pattern.startswith("runs:/"):
        return False
    stripped = pattern.rstrip("/")
    last = stripped.rsplit("/", 1)[-1]
    literal = re.sub(r"[*./]", "", stripped)
    if MODEL_SUFFIX.search(last):
        stem = MODEL_SUFFIX.sub("", last)
        folder = stripped[: -len(last)]
        return stem.strip("*") != "" or re.sub(r"[*./]", "", folder) != ""
    return in_loader and literal != "" and not pattern.startswith("*")


def references(tree: ast.AST) -> list[PathRef]:
    resolve = _Patterns(tree)
    out: dict[tuple[str, int, int], PathRef] = {}
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _is_writer(node):
            for sub in ast.walk(node):
                skip.add(id(sub))
    # names read only inside writing calls (``OUT = "m.pkl"; joblib.dump(m, OUT)``)
    read_in_writes: set[str] = set()
    read_elsewhere: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            (read_in_writes if id(node) in skip else read_elsewhere).add(node.id)
    write_only = read_in_writes - read_elsewhere
    for node in ast.walk(tree):
        if id(node) in skip or _assigns(node, write_only):
            continue
        exprs: list[tuple[ast.expr, bool, str]] = []
        if isinstance(node, ast.Call):
            loader = _is_loader(node)
            call = _dotted(node.func)
            for i, arg in enumerate(node.args):
                exprs.append((arg, loader and i == 0, call))
            for kw in node.keywords:
                path_kw = _PATH_KEYWORD.search(kw.arg or "") is not None
                exprs.append((kw.value, loader and path_kw, call))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            exprs.append((node.value, False, "="))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
            exprs.extend((d, False, "def") for d in defaults)
        for expr, loader, call in exprs:
            if isinstance(expr, ast.Call) and not _is_path_call(expr):
                continue  # the call itself is visited on its own
            for raw in resolve.of(expr)[:8]:
                pattern = _clean(raw)
                if not _useful(pattern, loader):
                    continue
                key = (pattern, expr.lineno, expr.col_offset)
                kind = "load" if loader else "name"
                if key not in out or kind == "load":
                    out[key] = PathRef(
                        pattern=pattern, kind=kind, call=call,
                        line=expr.lineno, col=expr.col_offset + 1,
                    )  # fmt: skip
    return [out[k] for k in sorted(out)]


def _is_path_call(call: ast.Call) -> bool:
    name = _dotted(call.func)
    short = name.rsplit(".", 1)[-1]
    return short in _JOINS or short == "getenv" or (short == "get" and "environ" in name)


def _assigns(node: ast.AST, names: set[str]) -> bool:
    """``node`` assigns one of ``names`` (a path only ever written to)."""
    if isinstance(node, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id in names for t in node.targets)
    return (
        isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and (node.target.id in names)
    )
