"""Static analysis of Python serving code (``ast`` only; nothing is imported or run).

Serving code is a Python file under a ``serving/``, ``app/`` or ``api/`` folder, or one
that defines web routes (FastAPI / Flask / Starlette decorators such as ``@app.post``,
``@router.get``, ``@bp.route``) or SageMaker handlers (``input_fn``, ``transform_fn``).

For every handler the analysis reports

* where the request payload enters (``Request`` parameters and their ``await
  request.json()`` / ``body()`` / ``form()`` results, Flask's ``request.get_json()`` /
  ``request.json`` / ``request.data``, the body argument of ``input_fn`` /
  ``transform_fn``, pydantic-typed route parameters) and which names it flows into;
* logging or ``print`` calls that reveal the payload (the payload itself, a field of it,
  ``json.dumps`` / ``str`` / f-strings of it; ``len(payload)`` reveals nothing);
* validation evidence (a web route without a request body, such as a health check, is
  not a handler here): pydantic models (``BaseModel`` subclasses as route parameters or
  ``Model.model_validate*`` / ``parse_obj`` / ``parse_raw`` / ``Model(**body)`` calls),
  ``jsonschema`` validation, Guardrails guards, marshmallow ``load``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.serving.apps import id_like
from mlscan.collectors.serving.model_use import (
    evidence_in,
    loaded_names,
    model_functions,
    reaches_model,
)

SERVING_DIRS = frozenset({"serving", "app", "api", "inference", "server"})
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "route", "api_route", "websocket", "options"}
)
BODY_NAMES = frozenset({"body", "payload", "data", "request", "item", "items"})
SAGEMAKER_INPUT = frozenset({"input_fn", "transform_fn"})
SAGEMAKER_ALL = frozenset({"model_fn", "input_fn", "predict_fn", "output_fn", "transform_fn"})
LOG_METHODS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "fatal"}
)
REQUEST_READS = frozenset({"json", "body", "form", "get_json", "get_data", "stream"})
FLASK_ATTRS = frozenset({"json", "data", "form", "values", "args", "files"})
VALIDATE_METHODS = frozenset(
    {"model_validate", "model_validate_json", "model_validate_strings", "parse_obj",
     "parse_raw", "validate_python", "validate_json"}
)  # fmt: skip
PERSIST_METHODS = frozenset(
    {"execute", "executemany", "insert", "insert_one", "insert_many", "add", "add_all",
     "put_item", "hset", "lpush", "rpush", "xadd", "write", "writelines", "to_csv", "to_sql",
     "to_parquet", "to_json", "put_object", "upload_fileobj", "bulk_save_objects", "merge",
     "setex", "set", "save", "append_rows"}
)  # fmt: skip
REVEALING_CALLS = frozenset(
    {"str", "repr", "dumps", "dict", "list", "format", "model_dump", "model_dump_json",
     "json", "to_dict", "jsonable_encoder", "pformat"}
)  # fmt: skip


@dataclass
class Handler:
    function: str
    framework: str  # fastapi | flask | sagemaker
    line: int
    col: int
    end_col: int
    input_line: int
    input_col: int
    raw_reads: list[dict[str, Any]] = field(default_factory=list)
    validation: list[dict[str, Any]] = field(default_factory=list)
    payload_logging: list[dict[str, Any]] = field(default_factory=list)
    persistence: list[dict[str, Any]] = field(default_factory=list)
    reaches_model: list[str] = field(default_factory=list)
    # what the payload holds: the keys the handler reads from it (``body["age"]``,
    # ``body.get("email")``, ``req.income``) and the fields of its pydantic schema
    fields: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)  # pydantic classes of its parameters


@dataclass
class ServingModule:
    path: str
    handlers: list[Handler]
    module_validation: list[dict[str, Any]]
    serves_model: bool = True  # the module loads or calls a model (model_use evidence)


def under_serving_dir(path: str) -> bool:
    parts = [p.lower() for p in PurePosixPath(path).parts[:-1]]
    return any(p in SERVING_DIRS for p in parts) and "tests" not in parts


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    return ""


def _ann_name(ann: ast.AST | None) -> str:
    if ann is None:
        return ""
    if isinstance(ann, ast.Subscript):  # Annotated[Model, ...] / Optional[Model]
        inner = ann.slice
        if isinstance(inner, ast.Tuple) and inner.elts:
            inner = inner.elts[0]
        return _ann_name(inner)
    if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
        return ann.value
    return _dotted(ann).rsplit(".", 1)[-1]


def _route_framework(fn: ast.FunctionDef | ast.AsyncFunctionDef, flask: bool) -> str | None:
    for dec in fn.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute) and target.attr in ROUTE_METHODS:
            return "flask" if flask else "fastapi"
    if fn.name in SAGEMAKER_INPUT:
        return "sagemaker"
    return None


def schema_fields(tree: ast.Module, name: str) -> list[tuple[str, int]]:
    """(field, line) of the annotated fields of class ``name`` and of the pydantic classes
    it inherits from in the same module."""
    classes = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    todo = [name]
    while todo:
        cls = classes.get(todo.pop())
        if cls is None or cls.name in seen:
            continue
        seen.add(cls.name)
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                out.append((stmt.target.id, stmt.lineno))
        todo.extend(_dotted(b).rsplit(".", 1)[-1] for b in cls.bases)
    return out


def _pydantic_classes(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    changed = True
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    while changed:
        changed = False
        for cls in classes:
            if cls.name in names:
                continue
            bases = {_dotted(b).rsplit(".", 1)[-1] for b in cls.bases}
            if bases & ({"BaseModel", "RootModel", "BaseSettings"} | names):
                names.add(cls.name)
                changed = True
    return names


class _HandlerVisitor:
    def __init__(
        self,
        handler: Handler,
        tainted: set[str],
        models: set[str],
        flask: bool,
        schema_params: frozenset[str] = frozenset(),
    ):
        self.h = handler
        self.tainted = tainted
        self.models = models
        self.flask = flask
        self.schema_params = schema_params

    # -- payload sources
    def _is_source(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            if (
                node.func.attr in REQUEST_READS
                and isinstance(base, ast.Name)
                and (base.id in self.tainted or (self.flask and base.id == "request"))
            ):
                return _dotted(node.func) + "()"
            is_json = _dotted(base) in ("json", "orjson", "ujson")
            is_load = node.func.attr in ("loads", "load") and is_json
            if is_load and node.args and self.reveals(node.args[0]):
                return _dotted(node.func) + "()"
        if (
            self.flask
            and isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
            and node.attr in FLASK_ATTRS
        ):
            return f"request.{node.attr}"
        return None

    def reveals(self, node: ast.AST) -> bool:
        if id_like(node):  # payload["id"] names a record, it does not reveal the payload
            return False
        if isinstance(node, ast.Name):
            return node.id in self.tainted
        if isinstance(node, ast.Attribute | ast.Subscript):
            return self.reveals(node.value)
        if isinstance(node, ast.Await):
            return self.reveals(node.value)
        if isinstance(node, ast.JoinedStr):
            return any(
                isinstance(v, ast.FormattedValue) and self.reveals(v.value) for v in node.values
            )
        if isinstance(node, ast.BinOp):
            return self.reveals(node.left) or self.reveals(node.right)
        if isinstance(node, ast.Call):
            name = _dotted(node.func).rsplit(".", 1)[-1].rstrip("()")
            if self._is_source(node) is not None:
                return True
            if name in REVEALING_CALLS:
                if isinstance(node.func, ast.Attribute) and self.reveals(node.func.value):
                    return True
                return any(self.reveals(a) for a in node.args)
            if isinstance(node.func, ast.Attribute) and node.func.attr == "get":
                return self.reveals(node.func.value)
        return False

    def run(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                value = node.value
                if value is None:
                    continue
                src = self._is_source(value)
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if src is not None:
                    self.h.raw_reads.append(
                        {"call": src, "line": value.lineno, "col": value.col_offset + 1}
                    )
                if src is not None or self.reveals(value):
                    for t in targets:
                        for n in ast.walk(t):
                            if isinstance(n, ast.Name):
                                self.tainted.add(n.id)
            elif isinstance(node, ast.Return) and node.value is not None:
                src = self._is_source(node.value)
                if src is not None:
                    self.h.raw_reads.append(
                        {"call": src, "line": node.value.lineno, "col": node.value.col_offset + 1}
                    )
        # a second pass, now that every assignment has been seen
        for node in ast.walk(fn):
            if isinstance(node, ast.Call):
                self._call(node)
            key = self._field(node)
            if key is not None and key not in self.h.fields:
                self.h.fields.append(key)

    def _field(self, node: ast.AST) -> str | None:
        """The payload key ``node`` reads: ``body["age"]``, ``body.get("age")``,
        ``req.age`` (a pydantic parameter)."""
        if isinstance(node, ast.Subscript) and self.reveals(node.value):
            key = node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and self.reveals(node.func.value)
        ):
            key = node.args[0]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.schema_params
        ):
            return node.attr
        else:
            return None
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            return key.value
        return None

    def _call(self, node: ast.Call) -> None:
        func = node.func
        name = _dotted(func)
        short = name.rsplit(".", 1)[-1]
        # validation evidence
        validates = isinstance(func, ast.Attribute) and func.attr in VALIDATE_METHODS
        if validates or (isinstance(func, ast.Name) and func.id in self.models):
            self.h.validation.append(self._ev("pydantic", name, node))
        elif (
            name in ("jsonschema.validate", "validate")
            or short in ("iter_errors",)
            or (short == "validate" and ("Validator" in name or "schema" in name.lower()))
        ):
            self.h.validation.append(self._ev("jsonschema", name, node))
        elif short in ("parse", "validate") and "guard" in name.lower():
            self.h.validation.append(self._ev("guardrails", name, node))
        elif short == "load" and "schema" in name.lower():
            self.h.validation.append(self._ev("marshmallow", name, node))
        # payload logging
        is_log = (
            isinstance(func, ast.Attribute)
            and func.attr in LOG_METHODS
            and ("log" in _dotted(func.value).lower())
        )
        is_print = isinstance(func, ast.Name) and func.id == "print"
        if is_log or is_print:
            args = list(node.args) + [k.value for k in node.keywords if k.arg in (None, "msg")]
            revealed = [a for a in args if self.reveals(a)]
            if revealed:
                self.h.payload_logging.append(
                    {
                        "sink": name,
                        "argument": ast.unparse(revealed[0])[:80],
                        "line": node.lineno,
                        "col": node.col_offset + 1,
                        "end_line": node.end_lineno,
                        "end_col": (node.end_col_offset or 0) + 1,
                    }
                )

        # request bodies stored in a database, cache, object store or file
        if isinstance(func, ast.Attribute) and func.attr in PERSIST_METHODS and not is_log:
            receiver = _dotted(func.value).lower()
            if not any(w in receiver for w in ("log", "model", "request", "response", "chat",
                                               "completion", "session.headers")):
                args = [*node.args, *[k.value for k in node.keywords]]
                stored = [a for a in args if self._contains_payload(a)]
                if stored:
                    self.h.persistence.append(
                        {
                            "sink": name,
                            "argument": ast.unparse(stored[0])[:80],
                            "line": node.lineno,
                            "col": node.col_offset + 1,
                            "end_line": node.end_lineno,
                            "end_col": (node.end_col_offset or 0) + 1,
                        }
                    )
        elif (
            name in ("json.dump", "pickle.dump", "yaml.dump")
            and node.args
            and self._contains_payload(node.args[0])
        ):
            self.h.persistence.append(
                {
                    "sink": name,
                    "argument": ast.unparse(node.args[0])[:80],
                    "line": node.lineno,
                    "col": node.col_offset + 1,
                    "end_line": node.end_lineno,
                    "end_col": (node.end_col_offset or 0) + 1,
                }
            )

    def _contains_payload(self, node: ast.AST) -> bool:
        """The whole payload (or a revealing form of it) appears somewhere in ``node``."""
        if self.reveals(node):
            return True
        if isinstance(node, ast.Call):
            return any(
                self._contains_payload(a) for a in [*node.args, *[k.value for k in node.keywords]]
            )
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return any(self._contains_payload(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return any(self._contains_payload(v) for v in node.values if v is not None)
        return False

    @staticmethod
    def _ev(kind: str, name: str, node: ast.AST) -> dict[str, Any]:
        return {"kind": kind, "name": name, "line": getattr(node, "lineno", None)}


def analyse(path: str, text: str, tree: ast.Module | None = None) -> ServingModule | None:
    """The serving handlers of one Python file, or None when it has none. ``tree`` is the
    file's AST from the parse cache (``ctx.parsed.python_ast``); parsed here only for a
    text outside any scan (tests)."""
    if tree is None:
        tree = ast.parse(text, filename=path)
    imports = {
        alias.name.split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for alias in (n.names if isinstance(n, ast.Import) else [ast.alias(name=n.module or "")])
    }
    flask = "flask" in imports
    lines = text.splitlines()
    models = _pydantic_classes(tree)
    helpers = model_functions(tree)
    loaded = loaded_names(tree)
    handlers: list[Handler] = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        framework = _route_framework(fn, flask)
        if framework is None:
            continue
        params = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        tainted: set[str] = set()
        validation: list[dict[str, Any]] = []
        raw_param = None
        schemas: list[str] = []
        schema_params: set[str] = set()
        for i, arg in enumerate(params):
            ann = _ann_name(arg.annotation)
            if framework == "sagemaker" and i == 0:
                tainted.add(arg.arg)
            elif ann in ("Request", "WebSocket", "HTTPConnection"):
                tainted.add(arg.arg)
                raw_param = arg
            elif ann in models:
                tainted.add(arg.arg)
                schemas.append(ann)
                schema_params.add(arg.arg)
                validation.append({"kind": "pydantic", "name": ann, "line": arg.lineno})
            elif ann in ("dict", "Dict", "Any", "list", "List") or (
                ann in ("bytes", "str") and arg.arg in BODY_NAMES
            ):
                tainted.add(arg.arg)
                raw_param = arg
        if framework == "flask":
            tainted.add("request")
        for dec in fn.decorator_list:
            if isinstance(dec, ast.Call) and any(k.arg == "response_model" for k in dec.keywords):
                validation.append(
                    {"kind": "pydantic-response", "name": "response_model", "line": dec.lineno}
                )
        h = Handler(
            function=fn.name,
            framework=framework,
            line=fn.lineno,
            col=fn.col_offset + 1,
            end_col=len(lines[fn.lineno - 1]) + 1 if fn.lineno <= len(lines) else 1,
            input_line=fn.lineno,
            input_col=fn.col_offset + 1,
            validation=validation,
            schemas=schemas,
        )
        _HandlerVisitor(h, tainted, models, flask, frozenset(schema_params)).run(fn)
        for schema in schemas:
            for name, _line in schema_fields(tree, schema):
                if name not in h.fields:
                    h.fields.append(name)
        h.reaches_model = reaches_model(fn, helpers, loaded)
        takes_body = framework == "sagemaker" or raw_param is not None or bool(validation)
        if not takes_body and not h.raw_reads:
            continue  # a route without a request body (health check, GET by id)
        body_parsed = framework == "sagemaker" or (raw_param is None and framework == "flask")
        if body_parsed and h.raw_reads:
            h.input_line, h.input_col = h.raw_reads[0]["line"], h.raw_reads[0]["col"]
        handlers.append(h)
    if not handlers:
        return None
    module_validation: list[dict[str, Any]] = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            name = _dotted(n.func)
            if name.rsplit(".", 1)[-1] in ("Guard", "for_pydantic", "for_rail", "for_rail_string"):
                module_validation.append({"kind": "guardrails", "name": name, "line": n.lineno})
    return ServingModule(
        path=path,
        handlers=sorted(handlers, key=lambda h: (h.line, h.function)),
        module_validation=module_validation,
        serves_model=bool(evidence_in(tree, loaded)) or any(h.reaches_model for h in handlers),
    )


def is_serving_candidate(path: str, text: str) -> bool:
    if under_serving_dir(path):
        return True
    return any(
        marker in text
        for marker in ("def input_fn", "def transform_fn", ".post(", ".get(", ".route(")
    )
