"""Python web apps that serve a model: Flask, FastAPI, Starlette, Django REST framework,
Gradio and Streamlit, read with ``ast`` through the parse cache.

For each app module: the app objects, every route (path, methods, handler, position) with
its authentication evidence and whether its handler reaches the model, the bind address
written in the module (``app.run(host=...)``, ``uvicorn.run(...)``, ``demo.launch(...)``),
debug mode, and the model evidence of the module (``model_use``). Facts only: which routes
change state and which exposure matters is decided in Rego.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

from mlscan.collectors.serving.model_use import (
    dotted,
    evidence_in,
    loaded_names,
    model_functions,
    reaches_model,
)

FRAMEWORK_IMPORTS = {
    "flask": "flask",
    "fastapi": "fastapi",
    "starlette": "starlette",
    "rest_framework": "django-rest",
    "gradio": "gradio",
    "streamlit": "streamlit",
    "quart": "flask",
    "sanic": "sanic",
    "aiohttp": "aiohttp",
}
APP_CONSTRUCTORS = {
    "Flask": "flask",
    "Quart": "flask",
    "FastAPI": "fastapi",
    "APIRouter": "fastapi",
    "Starlette": "starlette",
    "Blueprint": "flask",
    "Sanic": "sanic",
    "Interface": "gradio",
    "Blocks": "gradio",
    "ChatInterface": "gradio",
}
ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "route", "api_route", "websocket", "options"}
)
_AUTH_WORD = re.compile(
    r"(?i)(auth|login|token|jwt|api_?key|apikey|bearer|oauth|credential|permission|"
    r"verify_|current_user|require|security|signature|basic)"
)
_ID_KEY = re.compile(r"(?i)^(id|uuid|\w+_id|\w+Id|request_?id|trace_?id)$")


@dataclass
class Route:
    path: str | None
    methods: list[str]
    function: str
    line: int
    col: int
    auth: list[str] = field(default_factory=list)
    reaches_model: list[str] = field(default_factory=list)
    stub: bool = False

    def fact(self, rel: str) -> dict[str, Any]:
        return {
            "path": self.path,
            "methods": self.methods,
            "function": self.function,
            "auth": bool(self.auth),
            "auth_evidence": self.auth,
            "reaches_model": bool(self.reaches_model),
            "model_evidence": self.reaches_model,
            "stub": self.stub,
            "loc": {"path": rel, "line": self.line, "col": self.col, "end_line": self.line,
                    "end_col": None},
        }  # fmt: skip


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _const(node: ast.expr | None) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if node is None:
        return None
    if isinstance(node, ast.Call) and dotted(node.func) in ("os.environ.get", "os.getenv"):
        default = node.args[1] if len(node.args) > 1 else _kw(node, "default")
        if isinstance(default, ast.Constant):
            return default.value
    return "<expr>"


_SETTINGS_ATTR = re.compile(r"^[A-Z][A-Z0-9_]*$")


def env_name(node: ast.expr | None) -> str | None:
    """The environment variable a value is read from: ``os.getenv("HOST")``,
    ``os.environ["HOST"]``, ``os.environ.get("HOST")`` or an upper-case attribute of a
    settings object (``Settings().HOST_IP``, ``env.BIND_ADDR``), as pydantic and similar
    settings classes fill their fields from variables of the same name."""
    if isinstance(node, ast.Call) and dotted(node.func) in (
        "os.environ.get", "os.getenv", "getenv", "environ.get"
    ):  # fmt: skip
        first = node.args[0] if node.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if (
        isinstance(node, ast.Subscript)
        and dotted(node.value) in ("os.environ", "environ")
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
    ):
        return node.slice.value
    if isinstance(node, ast.Attribute) and _SETTINGS_ATTR.match(node.attr) and not (
        dotted(node.value).startswith("os")
    ):
        return node.attr
    return None


def _loc(rel: str, node: ast.AST) -> dict[str, Any]:
    line = getattr(node, "lineno", None)
    col = getattr(node, "col_offset", None)
    end = getattr(node, "end_col_offset", None)
    return {
        "path": rel,
        "line": line,
        "col": col + 1 if col is not None else None,
        "end_line": getattr(node, "end_lineno", line),
        "end_col": end + 1 if end is not None else None,
    }


def _methods(call: ast.Call | None, attr: str) -> list[str]:
    if attr in ("get", "post", "put", "patch", "delete", "options"):
        return [attr.upper()]
    if attr == "websocket":
        return ["WEBSOCKET"]
    node = _kw(call, "methods") if call is not None else None
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return sorted({str(e.value).upper() for e in node.elts if isinstance(e, ast.Constant)})
    return ["GET"] if attr == "route" else []


def _depends_names(node: ast.AST) -> list[str]:
    """Names inside Depends(...) / Security(...) calls."""
    out: list[str] = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and dotted(sub.func).rsplit(".", 1)[-1] in (
            "Depends",
            "Security",
        ):
            target = sub.args[0] if sub.args else _kw(sub, "dependency")
            out.append(dotted(target) if target is not None else "Depends")
    return out


def is_stub(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A handler that does nothing: its body (docstring aside) only passes, returns a
    literal (``return {"status": "not implemented"}``) or raises NotImplementedError /
    an HTTP error."""
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return True
    for stmt in body:
        if isinstance(stmt, ast.Pass) or (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        ):
            continue
        if isinstance(stmt, ast.Return):
            if stmt.value is None:
                continue
            try:
                ast.literal_eval(stmt.value)
            except ValueError:
                return False
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            target = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
            if dotted(target).rsplit(".", 1)[-1] in (
                "NotImplementedError", "HTTPException", "abort"
            ):  # fmt: skip
                continue
        return False
    return True


def _route_auth(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, route_call: ast.Call | None
) -> list[str]:
    evidence: list[str] = []
    for dec in fn.decorator_list:
        name = dotted(dec.func if isinstance(dec, ast.Call) else dec)
        if _AUTH_WORD.search(name.rsplit(".", 1)[-1]) and not name.endswith(
            tuple(f".{m}" for m in ROUTE_DECORATORS)
        ):
            evidence.append(f"decorator:{name}")
        if name.rsplit(".", 1)[-1] in ("permission_classes", "authentication_classes"):
            evidence.append(f"decorator:{name}")
    if route_call is not None:
        deps = _kw(route_call, "dependencies")
        for dep in _depends_names(deps) if deps is not None else []:
            if _AUTH_WORD.search(dep):
                evidence.append(f"dependency:{dep}")
    args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
    defaults = [*fn.args.defaults, *[d for d in fn.args.kw_defaults if d is not None]]
    for node in [*defaults, *[a.annotation for a in args if a.annotation is not None]]:
        for dep in _depends_names(node):
            if _AUTH_WORD.search(dep):
                evidence.append(f"dependency:{dep}")
    # an explicit check of the Authorization header or an API key inside the handler
    for sub in ast.walk(fn):
        if isinstance(sub, ast.Constant) and str(sub.value).lower() in (
            "authorization", "x-api-key", "x-api-token", "api_key"
        ):
            evidence.append(f"header:{sub.value!s}")
            break
    return evidence


def _app_level_auth(tree: ast.Module) -> list[str]:
    """Authentication applied to every route: FastAPI(dependencies=[Depends(auth)]),
    include_router(..., dependencies=...), a Flask before_request hook that checks
    credentials, authentication middleware, Gradio launch(auth=...)."""
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = dotted(node.func).rsplit(".", 1)[-1]
            if name in ("FastAPI", "APIRouter", "include_router", "Starlette"):
                deps = _kw(node, "dependencies")
                for dep in _depends_names(deps) if deps is not None else []:
                    if _AUTH_WORD.search(dep):
                        out.append(f"app-dependency:{dep}")
            if name == "add_middleware" and node.args:
                mw = dotted(node.args[0])
                if _AUTH_WORD.search(mw):
                    out.append(f"middleware:{mw}")
            if name == "launch" and _kw(node, "auth") is not None:
                out.append("gradio:auth")
            if name in ("HTTPBasicAuth", "HTTPTokenAuth", "LoginManager", "JWTManager"):
                out.append(f"extension:{name}")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for dec in node.decorator_list:
                name = dotted(dec.func if isinstance(dec, ast.Call) else dec)
                if name.endswith("before_request") and _AUTH_WORD.search(ast.unparse(node)):
                    out.append(f"before_request:{node.name}")
    return out


@dataclass
class AppModule:
    framework: str
    apps: list[dict[str, Any]]
    routes: list[Route]
    binds: list[dict[str, Any]]
    debug: list[dict[str, Any]]
    model_evidence: list[str]
    app_auth: list[str]


def analyse_app(rel: str, tree: ast.Module) -> AppModule | None:
    """The web app of one module, or None when the module defines none."""
    imports: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Import):
            imports.update(a.name.split(".")[0] for a in n.names)
        elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
            imports.add(n.module.split(".")[0])
    frameworks = [FRAMEWORK_IMPORTS[i] for i in sorted(imports) if i in FRAMEWORK_IMPORTS]
    if not frameworks:
        return None
    apps: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            ctor = dotted(node.value.func).rsplit(".", 1)[-1]
            if ctor in APP_CONSTRUCTORS and node.targets and isinstance(node.targets[0], ast.Name):
                apps.append({"name": node.targets[0].id, "framework": APP_CONSTRUCTORS[ctor],
                             "loc": _loc(rel, node)})  # fmt: skip
        elif isinstance(node, ast.With):
            for item in node.items:
                ctx = item.context_expr
                if isinstance(ctx, ast.Call) and dotted(ctx.func).rsplit(".", 1)[-1] == "Blocks":
                    name = item.optional_vars.id if isinstance(item.optional_vars, ast.Name) else ""
                    apps.append({"name": name, "framework": "gradio", "loc": _loc(rel, node)})
    helpers = model_functions(tree)
    loaded = loaded_names(tree)
    routes: list[Route] = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for dec in fn.decorator_list:
            call = dec if isinstance(dec, ast.Call) else None
            target = call.func if call is not None else dec
            if isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS:
                path_node = call.args[0] if call is not None and call.args else (
                    _kw(call, "path") if call is not None else None
                )
                path = path_node.value if isinstance(path_node, ast.Constant) else None
                if call is None and target.attr != "route":
                    continue  # ``@x.get`` without a call is not a web route
                routes.append(
                    Route(
                        path=path if isinstance(path, str) else None,
                        methods=_methods(call, target.attr),
                        function=fn.name,
                        line=dec.lineno,  # the decorator declares the route and its path
                        col=fn.col_offset + 1,
                        auth=_route_auth(fn, call),
                        reaches_model=reaches_model(fn, helpers, loaded),
                        stub=is_stub(fn),
                    )
                )
                break
            name = dotted(target).rsplit(".", 1)[-1]
            if name == "api_view":  # Django REST framework function views
                methods = _methods(call, "route") if call is not None else ["GET"]
                if call is not None and call.args and isinstance(call.args[0], ast.List):
                    methods = sorted(
                        str(e.value).upper() for e in call.args[0].elts
                        if isinstance(e, ast.Constant)
                    )  # fmt: skip
                routes.append(
                    Route(path=None, methods=methods, function=fn.name, line=fn.lineno,
                          col=fn.col_offset + 1, auth=_route_auth(fn, call),
                          reaches_model=reaches_model(fn, helpers, loaded))
                )  # fmt: skip
                break
    routes.extend(_drf_views(tree, helpers, loaded))
    routes.extend(_starlette_routes(tree, helpers, loaded))
    binds, debug = _binds(rel, tree, {a["name"] for a in apps})
    module_evidence = evidence_in(tree, loaded)
    for fn_name in sorted(helpers):
        if f"via:{fn_name}" not in module_evidence and not module_evidence:
            module_evidence.append(f"via:{fn_name}")
    if not apps and not routes and "streamlit" not in frameworks:
        return None
    framework = apps[0]["framework"] if apps else frameworks[0]
    if "streamlit" in frameworks and not apps:
        first = {"path": rel, "line": 1, "col": 1, "end_line": 1, "end_col": None}
        apps.append({"name": "streamlit", "framework": "streamlit", "loc": first})
    return AppModule(
        framework=framework,
        apps=apps,
        routes=sorted(routes, key=lambda r: (r.line, r.function)),
        binds=binds,
        debug=debug,
        model_evidence=module_evidence,
        app_auth=_app_level_auth(tree),
    )


_DRF_BASES = ("APIView", "ViewSet", "GenericAPIView", "ModelViewSet", "GenericViewSet")
_DRF_METHODS = {
    "get": "GET", "list": "GET", "retrieve": "GET", "post": "POST", "create": "POST",
    "put": "PUT", "update": "PUT", "patch": "PATCH", "partial_update": "PATCH",
    "delete": "DELETE", "destroy": "DELETE",
}  # fmt: skip


def _drf_views(tree: ast.Module, helpers: set[str], loaded: frozenset[str]) -> list[Route]:
    """Django REST framework class-based views: one route per handler method; the class's
    ``permission_classes`` / ``authentication_classes`` (other than AllowAny) are its auth."""
    out: list[Route] = []
    for cls in ast.walk(tree):
        if not isinstance(cls, ast.ClassDef):
            continue
        if not any(dotted(b).rsplit(".", 1)[-1].endswith(_DRF_BASES) for b in cls.bases):
            continue
        auth: list[str] = []
        for stmt in cls.body:
            if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id in ("permission_classes", "authentication_classes")
                for t in stmt.targets
            ):
                names = [dotted(e) for e in ast.walk(stmt.value) if isinstance(e, ast.Name)]
                if any(n not in ("AllowAny",) for n in names):
                    auth.append(f"class:{cls.name}.{ast.unparse(stmt.targets[0])}")
        for fn in cls.body:
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and fn.name in _DRF_METHODS:
                out.append(
                    Route(path=None, methods=[_DRF_METHODS[fn.name]],
                          function=f"{cls.name}.{fn.name}", line=fn.lineno,
                          col=fn.col_offset + 1, auth=auth + _route_auth(fn, None),
                          reaches_model=reaches_model(fn, helpers, loaded))
                )  # fmt: skip
    return out


def _starlette_routes(
    tree: ast.Module, helpers: set[str], loaded: frozenset[str]
) -> list[Route]:
    """``Route("/path", endpoint, methods=[...])`` entries (Starlette, FastAPI routers)."""
    funcs = {
        n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    out: list[Route] = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or dotted(call.func).rsplit(".", 1)[-1] not in (
            "Route", "APIRoute"
        ):  # fmt: skip
            continue
        path = call.args[0] if call.args else _kw(call, "path")
        target = call.args[1] if len(call.args) > 1 else _kw(call, "endpoint")
        if not isinstance(path, ast.Constant) or not isinstance(target, ast.Name):
            continue
        fn = funcs.get(target.id)
        if fn is None:
            continue
        methods = _methods(call, "route") if _kw(call, "methods") is not None else ["GET"]
        out.append(
            Route(path=str(path.value), methods=methods, function=fn.name, line=fn.lineno,
                  col=fn.col_offset + 1, auth=_route_auth(fn, call),
                  reaches_model=reaches_model(fn, helpers, loaded))
        )  # fmt: skip
    return out


def module_binds(
    rel: str, tree: ast.Module, app_names: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Binds and debug switches of ``app_names`` run in ``rel`` (public name)."""
    return _binds(rel, tree, app_names)


def _binds(
    rel: str, tree: ast.Module, app_names: set[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Bind addresses written in the module and debug switches. Flask, uvicorn and Gradio
    all default to 127.0.0.1 when no host is given."""
    binds: list[dict[str, Any]] = []
    debug: list[dict[str, Any]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = dotted(node.func)
            base, _, short = name.rpartition(".")
            server_run = short == "run" and (
                base in app_names or base in ("uvicorn", "socketio", "waitress", "web")
            )
            if server_run or name in ("waitress.serve", "serve"):
                host = _const(_kw(node, "host"))
                port = _const(_kw(node, "port"))
                binds.append(
                    {
                        "host": host if host is not None else "127.0.0.1",
                        "host_explicit": host is not None,
                        "host_env": env_name(_kw(node, "host")),
                        "port": port if isinstance(port, int | str) else None,
                        "source": f"{name}()",
                        "loc": _loc(rel, node),
                    }
                )
                dbg = _kw(node, "debug")
                if isinstance(dbg, ast.Constant) and dbg.value is True:
                    debug.append({"source": f"{name}(debug=True)", "loc": _loc(rel, dbg)})
            elif short == "launch" and (base in app_names or not app_names):
                host = _const(_kw(node, "server_name"))
                share = _kw(node, "share")
                shared = isinstance(share, ast.Constant) and share.value is True
                binds.append(
                    {
                        "host": "gradio-share" if shared else (host or "127.0.0.1"),
                        "host_explicit": host is not None or shared,
                        "port": _const(_kw(node, "server_port")),
                        "source": f"{name}()",
                        "loc": _loc(rel, node),
                    }
                )
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if node.value.value is not True:
                continue
            for t in node.targets:
                text = dotted(t) if isinstance(t, ast.Attribute) else ""
                if isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant):
                    text = str(t.slice.value)
                if text.endswith(".debug") or text == "DEBUG":
                    debug.append({"source": f"{text} = True", "loc": _loc(rel, node)})
    return binds, debug


def id_like(node: ast.AST) -> bool:
    """``payload["id"]`` / ``body.get("request_id")`` name an identifier, not the payload."""
    key: ast.AST | None = None
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
        node.func.attr == "get" and node.args
    ):
        key = node.args[0]
    elif isinstance(node, ast.Attribute):
        return bool(_ID_KEY.match(node.attr))
    return isinstance(key, ast.Constant) and isinstance(key.value, str) and bool(
        _ID_KEY.match(key.value)
    )
