"""The ``serving`` family, part two: model-serving endpoints outside Kubernetes manifests.

* ``serving.endpoints[]`` - Python web apps (Flask, FastAPI, Starlette, Django REST,
  Gradio, Streamlit) with their routes, how they are bound (in the module, or by the
  Dockerfile / Procfile / heroku.yml / script that starts them) and their model evidence;
* ``serving.dockerfiles[]`` - every Dockerfile with the evidence that its image runs a
  model server (a serving base image, a model-server command, or a web launcher whose app
  serves a model). Test images (under ``tests/``) carry no evidence.

Every parse goes through ``ctx.parsed``. Facts only; Rego decides exposure and risk.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, line_loc
from mlscan.collectors.mlflow.cmd import split_shell
from mlscan.collectors.serving.apps import AppModule, analyse_app, module_binds
from mlscan.collectors.serving.cloud import deploy_commands, terraform_endpoints
from mlscan.collectors.serving.code import _is_test_path
from mlscan.collectors.serving.envfiles import dotenv_value
from mlscan.collectors.serving.gateways import (
    api_gateway_endpoints,
    api_stages,
    load_balancer_endpoints,
)
from mlscan.collectors.serving.launchers import (
    SERVING_BASE_IMAGE,
    SERVING_COMMANDS,
    Launch,
    module_candidates,
    parse_launch,
)
from mlscan.collectors.serving.mesh import (
    MeshModel,
    add_document,
    authorization_policies,
    gateway_routes,
)
from mlscan.collectors.serving.mesh import endpoints as mesh_endpoints
from mlscan.collectors.serving.model_use import dotted, evidence_in, loaded_names
from mlscan.collectors.serving.reach import (
    entry_evidence,
    imported_names,
    included_modules,
    serving_paths,
)
from mlscan.collectors.serving.tf_graph import TfGraph
from mlscan.sourcemap import SourceError, parse_json
from mlscan.workspace import Workspace, WorkspaceFile

_APP_WORDS = ("flask", "fastapi", "starlette", "rest_framework", "gradio", "streamlit", "quart")
_MODEL_FILE = re.compile(r"(?i)(\.(pkl|pickle|joblib|pt|pth|onnx|h5|keras|safetensors|gguf|bin)\b|"
                         r"(^|/)models?(/|$)|saved_?model)")  # fmt: skip
_MESH_WORDS = re.compile(
    r"InferenceService|SeldonDeployment|RayService|BentoDeployment|HTTPRoute|VirtualService|"
    r"AuthorizationPolicy|RequestAuthentication|kind:\s*(Ingress|Gateway)\b"
)
_CLOUD_WORDS = re.compile(
    r"google_cloud_run|aws_lambda_function_url|aws_sagemaker_endpoint\b|google_vertex_ai_endpoint"
)
# Terraform files that take part in gateway / load-balancer reachability (read as a graph:
# the gateway, its integration target and the module calls between them)
_TF_WORDS = re.compile(r"\b(resource|module|output|variable|locals)\b")
_TEST_PARTS = frozenset({"tests", "test", "testing", "e2e", "integration_tests"})
_ENTRY_WORDS = re.compile(
    r"model_fn|predict_fn|transform_fn|input_fn|lambda_handler|kserve|kfserving|mlserver|"
    r"BaseHandler|features_names|feature_names|bentoml|serve\.deployment"
)


def _is_dockerfile(f: WorkspaceFile) -> bool:
    lower = f.name.lower()
    return lower in ("dockerfile", "containerfile") or lower.startswith("dockerfile.") or (
        lower.endswith(".dockerfile")
    )


def _in_chart_templates(path: str, charts: set[str]) -> bool:
    parts = PurePosixPath(path).parts
    return any(
        ("/".join(parts[:i]) or ".") in charts and parts[i] == "templates"
        for i in range(len(parts) - 1)
    )


def _in_tests(path: str) -> bool:
    parts = [p.lower() for p in PurePosixPath(path).parts]
    return _is_test_path(path) or any(p in _TEST_PARTS for p in parts[:-1])


class ServingEndpointsCollector:
    family = "serving"

    def applies(self, ws: Workspace) -> bool:
        return any(
            f.suffix in (".py", ".yaml", ".yml")
            or _is_dockerfile(f)
            or f.suffix in (".tf", ".sh", ".bash", ".mk")
            or f.name in ("Procfile", "heroku.yml", "Makefile", "GNUmakefile")
            for f in ws.candidates()
        )

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        files = list(ws.candidates())
        modules: dict[str, AppModule] = {}
        read: list[str] = []
        py_files = [f.path for f in files if f.suffix == ".py"]
        for f in files:
            if f.suffix != ".py" or _in_tests(f.path):
                continue
            text = ctx.parsed.text(f.path)
            if text is None or not any(w in text for w in _APP_WORDS):
                continue
            tree = ctx.parsed.python_ast(f.path)
            if tree is None:
                continue
            module = analyse_app(f.path, tree)
            if module is not None:
                _cross_module(f.path, tree, module, py_files, ctx)
                modules[f.path] = module
                read.append(f.path)
        launches: dict[str, list[dict[str, Any]]] = {}
        dockerfiles: list[dict[str, Any]] = []
        for f in files:
            if _is_dockerfile(f):
                d = _dockerfile(f.path, ctx, modules, launches)
                if d is not None:
                    dockerfiles.append(d)
                    read.append(f.path)
            elif f.name in ("Procfile", "heroku.yml") and _procfile(
                f.path, ctx, modules, launches
            ):
                read.append(f.path)
        all_files = frozenset(f.path for f in files)
        _runner_binds(files, modules, ctx, all_files)
        for path, module in modules.items():
            _resolve_env_binds(path, module, all_files, ctx)
        built = {
            path: _endpoint(path, module, launches.get(path, []))
            for path, module in sorted(modules.items())
        }
        _inherit_from_including_apps(built, ctx, all_files)
        endpoints = list(built.values())
        code_paths = _code_paths(files, modules, ctx)
        mesh = MeshModel()
        charts = {
            str(PurePosixPath(f.path).parent) for f in files if f.name == "Chart.yaml"
        }
        for f in files:
            if f.suffix not in (".yaml", ".yml") or _in_tests(f.path):
                continue
            if _in_chart_templates(f.path, charts):
                continue  # Helm templates are not rendered; their names are expressions
            text = ctx.parsed.text(f.path)
            if text is None or "kind:" not in text or not _MESH_WORDS.search(text):
                continue
            for doc in ctx.parsed.yaml(f.path) or []:
                if doc.kind == "map" and isinstance(doc.get_str("kind"), str):
                    add_document(mesh, f.path, doc)
        endpoints.extend(mesh_endpoints(mesh))
        routes = gateway_routes(mesh)
        policies = authorization_policies(mesh)
        tf_docs: dict[str, dict[str, Any]] = {}
        tf_texts: dict[str, str] = {}
        for f in files:
            if _in_tests(f.path):
                continue
            if f.suffix == ".tf":
                text = ctx.parsed.text(f.path)
                if text is None or not _TF_WORDS.search(text):
                    continue
                hcl = ctx.parsed.hcl(f.path)
                if hcl is None:
                    continue
                tf_docs[f.path], tf_texts[f.path] = hcl, text
                if _CLOUD_WORDS.search(text):
                    found = terraform_endpoints(f.path, hcl)
                    endpoints.extend(found)
                    if found:
                        read.append(f.path)
            elif f.suffix in (".sh", ".bash", ".yml", ".yaml", ".mk") or f.name in (
                "Makefile",
                "GNUmakefile",
            ):
                text = ctx.parsed.text(f.path)
                if text is not None and "--allow-unauthenticated" in text:
                    found = deploy_commands(f.path, text)
                    endpoints.extend(found)
                    if found:
                        read.append(f.path)
        stages: list[dict[str, Any]] = []
        if tf_docs:
            graph = TfGraph(tf_docs, tf_texts)
            for found in (api_gateway_endpoints(graph), load_balancer_endpoints(graph)):
                endpoints.extend(found)
                read.extend(e["loc"]["path"] for e in found)
            stages = api_stages(graph)
            read.extend(s["loc"]["path"] for s in stages)
        facts = {
            "endpoints": sorted(endpoints, key=lambda e: (e["loc"]["path"], e["loc"]["line"] or 0)),
            "api_stages": sorted(stages, key=lambda s: (s["loc"]["path"], s["loc"]["line"] or 0)),
            "gateway_routes": sorted(
                routes, key=lambda r: (r["loc"]["path"], r["loc"]["line"] or 0)
            ),
            "authorization_policies": sorted(
                policies, key=lambda p: (p["loc"]["path"], p["loc"]["line"] or 0)
            ),
            "dockerfiles": sorted(dockerfiles, key=lambda d: d["path"]),
            "code_paths": code_paths,
        }
        return CollectorOutput(facts=facts, files=tuple(sorted(set(read))))


def _cross_module(
    rel: str, tree: ast.Module, module: AppModule, py_files: list[str], ctx: CollectContext
) -> None:
    """Routes that call a function imported from a project module that loads or runs a
    model (``from app.core.model import build_and_train``) reach the model too."""
    imported: dict[str, str] = {}  # local name -> "module.name"
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        suffix = node.module.replace(".", "/") + ".py"
        base = str(PurePosixPath(rel).parent)
        candidates = [p for p in py_files if p == suffix or p.endswith("/" + suffix)]
        if node.level:
            candidates = [p for p in candidates if p.startswith(base)] or candidates
        if not candidates:
            continue
        target = ctx.parsed.python_ast(sorted(candidates, key=len)[0])
        if target is None or not evidence_in(target, loaded_names(target)):
            continue
        for alias in node.names:
            imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    if not imported:
        return
    funcs: dict[tuple[str, int], ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
            for line in (n.lineno, *(d.lineno for d in n.decorator_list)):
                funcs[(n.name, line)] = n  # a route's line is its def or its decorator
    for route in module.routes:
        fn = funcs.get((route.function.rsplit(".", 1)[-1], route.line))
        if fn is None:
            continue
        for call in ast.walk(fn):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name):
                target_name = imported.get(call.func.id)
                if target_name and f"via:{target_name}" not in route.reaches_model:
                    route.reaches_model.append(f"via:{target_name}")
                    if f"via:{target_name}" not in module.model_evidence:
                        module.model_evidence.append(f"via:{target_name}")


def _resolve_env_binds(
    path: str, module: AppModule, files: frozenset[str], ctx: CollectContext
) -> None:
    """A bind address read from an environment variable takes the value a committed
    ``.env`` above the module gives it (``host_from`` says where)."""
    for bind in module.binds:
        name = bind.get("host_env")
        if not name:
            continue
        found = dotenv_value(ctx, files, path, name)
        if found is not None and found[0]:
            bind["host"], bind["host_from"] = found[0], found[1]
            bind["host_explicit"] = True


def _runner_binds(
    files: list[WorkspaceFile],
    modules: dict[str, AppModule],
    ctx: CollectContext,
    all_files: frozenset[str],
) -> None:
    """A module that runs an app it imports (``from api.app import app`` then
    ``uvicorn.run(app, host=...)`` or ``app.run(...)``), or names by import string
    (``uvicorn.run("api.app:app", host=...)``), binds that app."""
    for f in files:
        if f.suffix != ".py" or f.path in modules or _in_tests(f.path):
            continue
        text = ctx.parsed.text(f.path)
        if text is None or ".run(" not in text:
            continue
        tree = ctx.parsed.python_ast(f.path)
        if tree is None:
            continue
        names = {n: p for n, p in imported_names(f.path, tree, all_files).items() if p in modules}
        binds, debug = module_binds(f.path, tree, set(names))
        for bind, call in zip(binds, _run_calls(tree, set(names)), strict=False):
            target = names.get(call)
            if target is None and ":" in call:
                found = _match(call.split(":", 1)[0], f.path, modules)
                target = found[0] if len(found) == 1 else None
            if target is not None:
                modules[target].binds.append({**bind, "run_by": f.path})
        for d in debug:
            for target in sorted(set(names.values())):
                modules[target].debug.append(d)


def _run_calls(tree: ast.Module, names: set[str]) -> list[str]:
    """For each server run call in source-walk order (as ``module_binds`` sees them), the
    app name it runs: ``uvicorn.run(app)`` -> ``app``, ``app.run()`` -> ``app``."""
    out: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        base, _, short = name.rpartition(".")
        if short == "run" and base in names:
            out.append(base)
        elif (short == "run" and base in ("uvicorn", "socketio", "waitress", "web")) or name in (
            "waitress.serve", "serve"
        ):
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append(first.value)  # an import string, "pkg.module:app"
            else:
                out.append(first.id if isinstance(first, ast.Name) else "")
        elif short == "launch" and (base in names or not names):
            out.append(base)
    return out


def _inherit_from_including_apps(
    built: dict[str, dict[str, Any]], ctx: CollectContext, files: frozenset[str]
) -> None:
    """A router or blueprint module mounted by an app (``include_router``,
    ``register_blueprint``) is served where that app is: it takes the app's binds
    (``included_by`` says which app) and its app-wide authentication."""
    for path in sorted(built):
        tree = ctx.parsed.python_ast(path)
        if tree is None:
            continue
        app = built[path]
        for target in included_modules(path, tree, files):
            sub = built.get(target)
            if sub is None:
                continue
            for bind in app["binds"]:
                if bind.get("included_by") is None:
                    sub["binds"].append({**bind, "included_by": path})
            sub["app_auth"].extend(a for a in app["app_auth"] if a not in sub["app_auth"])


def _code_paths(
    files: list[WorkspaceFile], modules: dict[str, AppModule], ctx: CollectContext
) -> list[dict[str, Any]]:
    """The modules on a serving path (``serving.code_paths[]``): entry modules (web apps
    and model-server handlers) and every project module they import."""
    py = frozenset(f.path for f in files if f.suffix == ".py" and not _in_tests(f.path))
    roots = {path: f"web-app:{m.framework}" for path, m in modules.items()}
    for path in sorted(py - set(roots)):
        text = ctx.parsed.text(path)
        if text is None or not _ENTRY_WORDS.search(text):
            continue
        tree = ctx.parsed.python_ast(path)
        why = entry_evidence(tree) if tree is not None else None
        if why is not None:
            roots[path] = why
    return serving_paths(roots, py, ctx.parsed.python_ast)


def _serves_model(module: AppModule) -> bool:
    return bool(module.model_evidence) or any(r.reaches_model for r in module.routes)


def _endpoint(path: str, module: AppModule, launched: list[dict[str, Any]]) -> dict[str, Any]:
    app = module.apps[0] if module.apps else None
    return {
        "kind": "python-app",
        "framework": module.framework,
        "name": app["name"] if app else PurePosixPath(path).stem,
        "path": path,
        "loc": app["loc"] if app else line_loc(path, 1, 1),
        "serves_model": _serves_model(module),
        "model_evidence": module.model_evidence,
        "binds": [*module.binds, *launched],
        "debug": module.debug,
        "app_auth": module.app_auth,
        "routes": [r.fact(path) for r in module.routes],
    }


def _match(module: str | None, origin: str, modules: dict[str, AppModule]) -> list[str]:
    """App modules a launcher names, preferring those next to the file that starts it."""
    if module is None:
        return []
    suffixes = module_candidates(module)
    found = [
        p for p in modules for s in suffixes if p == s or p.endswith("/" + s)
    ]
    base = str(PurePosixPath(origin).parent)
    near = [p for p in found if base in (".", "") or p.startswith(base + "/")]
    return sorted(set(near or found))


def _launch_fact(origin: str, launch: Launch, platform: str | None) -> dict[str, Any]:
    return {
        "host": launch.host,
        "host_explicit": launch.host_explicit,
        "port": launch.port,
        "source": f"{launch.tool} in {PurePosixPath(origin).name}",
        "platform": platform,
        "loc": line_loc(origin, launch.line, launch.col),
    }


def _dockerfile(
    path: str,
    ctx: CollectContext,
    modules: dict[str, AppModule],
    launches: dict[str, list[dict[str, Any]]],
) -> dict[str, Any] | None:
    text = ctx.parsed.text(path)
    if text is None:
        return None
    images: list[str] = []
    commands: list[dict[str, Any]] = []
    evidence: list[str] = []
    copies_model = False
    exposes: list[str] = []
    env: dict[str, str] = {}  # ENV / ARG values, for shell-form commands
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        first = i
        buf = lines[i]
        while buf.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            buf = buf.rstrip()[:-1] + " " + lines[i]
        i += 1
        instr, _, rest = buf.strip().partition(" ")
        upper = instr.upper()
        if upper == "FROM" and rest.split():
            image = next(t for t in rest.split() if not t.startswith("--"))
            images.append(image)
            if SERVING_BASE_IMAGE.search(image):
                evidence.append(f"image:{image}")
        elif upper in ("COPY", "ADD") and _MODEL_FILE.search(rest):
            copies_model = True
        elif upper == "EXPOSE":
            exposes.extend(rest.split())
        elif upper in ("ENV", "ARG"):
            _env_values(rest, env)
        elif upper in ("CMD", "ENTRYPOINT"):
            tokens = _exec_form(rest)
            if _shell_form(rest):
                tokens = [_expand(t, env) for t in tokens]
            commands.append({"instruction": upper, "loc": line_loc(path, first + 1, 1)})
            joined = " ".join(tokens)
            m = SERVING_COMMANDS.search(joined)
            if m and m.group(1).split()[0].lower() not in (
                "uvicorn", "gunicorn", "hypercorn", "waitress-serve", "daphne", "flask", "streamlit"
            ):  # fmt: skip
                evidence.append(f"command:{' '.join(m.group(1).split())}")
            launch = parse_launch(tokens, first + 1, 1)
            if launch is not None:
                for target in _match(launch.module, path, modules):
                    launches.setdefault(target, []).append(_launch_fact(path, launch, None))
                    if _serves_model(modules[target]):
                        evidence.append(f"app:{target}")
                if launch.tool != "python" and copies_model and not any(
                    e.startswith("app:") for e in evidence
                ):
                    evidence.append(f"web-server-with-model-files:{launch.tool}")
    if not images:
        return None
    if _in_tests(path):
        evidence = []  # a test image is not a serving image
    return {
        "path": path,
        "loc": line_loc(path, 1, 1),
        "base_images": images,
        "exposes": exposes,
        "commands": commands,
        "serving_evidence": sorted(set(evidence)),
        "test_image": _in_tests(path),
    }


_ENV_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|'[^']*'|\S*)")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _env_values(rest: str, env: dict[str, str]) -> None:
    """``ENV K=V K2=V2`` / ``ENV K V`` / ``ARG K=V`` into ``env`` (later wins)."""
    pairs = _ENV_PAIR.findall(rest)
    if pairs:
        for key, value in pairs:
            env[key] = value.strip("\"'")
        return
    key, _, value = rest.strip().partition(" ")
    if key and value and "=" not in key:
        env[key] = value.strip().strip("\"'")


def _shell_form(rest: str) -> bool:
    text = rest.strip()
    if not text.startswith("["):
        return True
    return bool(re.match(r'^\[\s*"[^"]*sh"\s*,\s*"-l?c"', text))


def _expand(token: str, env: dict[str, str]) -> str:
    """``$HOST`` / ``${HOST}`` / ``${HOST:-0.0.0.0}`` from the Dockerfile's ENV/ARG values
    (a variable the Dockerfile does not set keeps its default, else stays as written)."""

    def sub(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(3)
        if name in env:
            return env[name]
        return m.group(2) if m.group(2) is not None else m.group(0)

    return _VAR.sub(sub, token)


def _exec_form(rest: str) -> list[str]:
    text = rest.strip()
    if text.startswith("["):
        try:
            node = parse_json(text, max_depth=5)
        except SourceError:
            return split_shell(text)
        if isinstance(node.value, list):
            tokens = [str(v) for v in node.value]
            if len(tokens) >= 3 and tokens[0].endswith("sh") and tokens[1] in ("-c", "-lc"):
                return split_shell(tokens[2])
            return tokens
    return split_shell(text)


def _procfile(
    path: str,
    ctx: CollectContext,
    modules: dict[str, AppModule],
    launches: dict[str, list[dict[str, Any]]],
) -> bool:
    """Procfile ``web:`` lines and heroku.yml ``run.web``: the platform routes public
    traffic to the process, whatever address it binds inside the dyno."""
    text = ctx.parsed.text(path)
    if text is None:
        return False
    found = False
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        proc, sep, cmd = stripped.partition(":")
        if not sep or proc.strip() != "web" or not cmd.strip():
            continue
        col = line.find(cmd.strip()) + 1
        launch = parse_launch(split_shell(cmd.strip().strip("'\"")), n, max(col, 1))
        if launch is None:
            continue
        for target in _match(launch.module, path, modules):
            fact = _launch_fact(path, launch, "heroku")
            fact["host"] = "0.0.0.0"  # noqa: S104 - the platform's router is public
            launches.setdefault(target, []).append(fact)
            found = True
    return found
