"""Which Python modules are on a serving path: the entry modules of model servers and
every project module they import, directly or through each other.

Entry modules are decided from evidence, never from file names: a web app module
(Flask, FastAPI, Starlette, Django REST, Gradio, Streamlit), a module a serving launcher
starts (Dockerfile ``CMD``, Procfile), or a module that implements a model-server
contract (SageMaker ``model_fn``/``predict_fn``/``transform_fn``, a KServe / MLServer /
TorchServe / Seldon model class, a BentoML service, a Ray Serve deployment, a Lambda
handler). Imports are resolved the way Python resolves them from a script or package
folder: against the importing module's folder and every folder above it (the usual
``sys.path`` roots of a project), relative imports against the package.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.python_imports import import_aliases
from mlscan.collectors.serving.model_use import dotted

_SAGEMAKER_HANDLERS = frozenset({"model_fn", "predict_fn", "transform_fn", "input_fn"})
_LAMBDA_HANDLERS = frozenset({"lambda_handler"})
_MODEL_BASES = (
    "kserve.Model", "kserve.model.Model", "KFModel", "kfserving.KFModel",
    "kfserving.kfmodel.KFModel", "MLModel", "mlserver.MLModel", "mlserver.model.MLModel",
    "BaseHandler", "base_handler.BaseHandler", "ts.torch_handler.base_handler.BaseHandler",
)  # fmt: skip
_SERVER_CALLS = frozenset({"kserve.ModelServer", "kfserving.KFServer"})


def _canonical(name: str, aliases: dict[str, str]) -> str:
    """``Model`` -> ``kserve.Model`` after ``from kserve import Model``."""
    head, _, rest = name.partition(".")
    base = aliases.get(head)
    if base is None:
        return name
    return f"{base}.{rest}" if rest else base
_SERVICE_DECORATORS = frozenset({"bentoml.service", "serve.deployment"})
MAX_MODULES = 5000  # bound on the modules followed from the entry points of one scan


def entry_evidence(tree: ast.Module) -> str | None:
    """Why a module is a model-server entry point on its own, or None. Names are resolved
    through the module's imports (``from kserve import Model`` makes ``Model`` the KServe
    base class)."""
    aliases = import_aliases(tree)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name in _SAGEMAKER_HANDLERS:
                return f"sagemaker-handler:{node.name}"
            if node.name in _LAMBDA_HANDLERS:
                return f"lambda-handler:{node.name}"
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = dotted(base)
                if name in _MODEL_BASES or _canonical(name, aliases) in _MODEL_BASES:
                    return f"model-server-class:{node.name}({_canonical(name, aliases)})"
            for dec in node.decorator_list:
                name = _canonical(dotted(dec.func if isinstance(dec, ast.Call) else dec), aliases)
                if name in _SERVICE_DECORATORS:
                    return f"service-class:{node.name}(@{name})"
            for stmt in node.body:
                # Seldon Core's Python wrapper: predict(self, X, features_names, ...)
                if isinstance(stmt, ast.FunctionDef) and stmt.name == "predict":
                    params = [a.arg for a in stmt.args.args]
                    if "features_names" in params or "feature_names" in params[2:]:
                        return f"seldon-class:{node.name}"
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and _canonical(dotted(node.value.func), aliases) == "bentoml.Service"
        ):
            return "bentoml-service"
    for call in ast.walk(tree):
        if isinstance(call, ast.Call):
            name = _canonical(dotted(call.func), aliases)
            if name in _SERVER_CALLS:
                return f"model-server:{name}"
    return None


def _candidates(module: str) -> list[str]:
    path = module.replace(".", "/")
    return [f"{path}.py", f"{path}/__init__.py"]


def _with_packages(module: str) -> list[str]:
    """``a.b.c`` and the packages Python imports first: ``a``, ``a.b``."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def imported_modules(rel: str, tree: ast.Module, files: frozenset[str]) -> list[str]:
    """Project modules ``rel`` imports (``import a.b``, ``from a.b import c`` - also the
    submodule ``a/b/c.py`` -, ``from . import x``), resolved against the folders above it."""
    folder = PurePosixPath(rel).parent
    roots = [folder, *folder.parents]
    wanted: list[tuple[list[PurePosixPath], list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                for name in _with_packages(alias.name):
                    wanted.append((roots, _candidates(name)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = folder
                for _ in range(node.level - 1):
                    base = base.parent
                bases = [base]
            else:
                bases = roots
            prefix = node.module or ""
            names = _with_packages(prefix) if prefix else []
            names += [f"{prefix}.{a.name}" if prefix else a.name for a in node.names
                      if a.name != "*"]  # fmt: skip
            for name in names:
                wanted.append((bases, _candidates(name)))
    found: list[str] = []
    for bases, suffixes in wanted:
        for base in bases:
            hit = next(
                (p for s in suffixes if (p := s if str(base) == "." else f"{base}/{s}") in files),
                None,
            )
            if hit is not None:
                if hit != rel and hit not in found:
                    found.append(hit)
                break
    return found


def resolve_import(rel: str, module: str, files: frozenset[str]) -> str | None:
    """The project file of absolute module ``module`` imported from ``rel``."""
    folder = PurePosixPath(rel).parent
    for root in [folder, *folder.parents]:
        for c in _candidates(module):
            p = c if str(root) == "." else f"{root}/{c}"
            if p in files:
                return p
    return None


def imported_names(rel: str, tree: ast.Module, files: frozenset[str]) -> dict[str, str]:
    """Names imported by ``from M import name`` where M is a project module: name -> path."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            target = resolve_import(rel, node.module, files)
            if target is not None:
                for alias in node.names:
                    out[alias.asname or alias.name] = target
    return out


def included_modules(rel: str, tree: ast.Module, files: frozenset[str]) -> list[str]:
    """Project modules whose router or blueprint this app mounts:
    ``app.include_router(model_router)`` / ``app.register_blueprint(bp)`` /
    ``app.mount("/x", sub_app)`` where the name is imported from a project module
    (``from src.routers.model_router import model_router`` or
    ``from src.routers import model_router`` then ``model_router.router``)."""
    bound: dict[str, list[str]] = {}  # local name -> dotted module candidates
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = [f"{node.module}.{alias.name}", node.module]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = [alias.name]
    folder = PurePosixPath(rel).parent
    roots = [folder, *folder.parents]
    out: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in ("include_router", "register_blueprint", "mount"):
            continue
        args = [a for a in node.args if not isinstance(a, ast.Constant)]
        if not args:
            continue
        base = dotted(args[0]).split(".", 1)[0]
        for module in bound.get(base, []):
            hit = next(
                (p for root in roots for c in _candidates(module)
                 if (p := c if str(root) == "." else f"{root}/{c}") in files),
                None,
            )  # fmt: skip
            if hit is not None:
                if hit != rel and hit not in out:
                    out.append(hit)
                break
    return out


def serving_paths(
    roots: dict[str, str],
    files: frozenset[str],
    parse: Callable[[str], ast.Module | None],
) -> list[dict[str, Any]]:
    """Every module reachable from the entry modules ``roots`` (path -> why it is an
    entry): ``{path, entry, reason, via}`` with ``via`` the module that imports it (None
    for an entry itself), breadth first so that each module keeps its shortest chain."""
    out: dict[str, dict[str, Any]] = {}
    queue: list[str] = []
    for path, reason in sorted(roots.items()):
        out[path] = {"path": path, "entry": path, "reason": reason, "via": None}
        queue.append(path)
    i = 0
    while i < len(queue) and len(out) < MAX_MODULES:
        current = queue[i]
        i += 1
        tree = parse(current)
        if tree is None:
            continue
        for target in imported_modules(current, tree, files):
            if target in out:
                continue
            entry = out[current]["entry"]
            out[target] = {"path": target, "entry": entry,
                           "reason": f"imported by {current}", "via": current}  # fmt: skip
            queue.append(target)
    return [out[p] for p in sorted(out)]
