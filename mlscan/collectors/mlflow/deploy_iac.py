"""MLflow servers declared in Terraform: container platforms and machine start-up scripts.

Read through the parse cache (``ctx.parsed.hcl``), resource by resource:

* ``aws_ecs_task_definition.container_definitions`` written as ``jsonencode([...])`` or as a
  heredoc JSON document;
* containers of ``google_cloud_run_service`` / ``google_cloud_run_v2_service`` /
  ``google_cloud_run_v2_job``, ``azurerm_container_app``, ``aws_apprunner_service``
  (``image_identifier`` + ``start_command``) and any other block holding an image with a
  command or arguments;
* shell text (``user_data``, ``metadata_startup_script``, heredocs) of any other resource.

The command is found in the resource's own lines, so every flag keeps its position. Image
tags that come from ``var.x`` are resolved against the ``variable`` defaults of the same
module (the ``.tf`` files of the folder); an unresolved tag stays an expression.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext
from mlscan.collectors.mlflow.cmd import find_invocations, split_shell
from mlscan.sourcemap import SourceError, parse_json

Facts = list[dict[str, Any]]
PLATFORMS = {
    "aws_ecs_task_definition": "ecs",
    "google_cloud_run_service": "cloud-run",
    "google_cloud_run_v2_service": "cloud-run",
    "google_cloud_run_v2_job": "cloud-run",
    "azurerm_container_app": "container-app",
    "aws_apprunner_service": "app-runner",
}
_COMMAND_KEYS = ("entryPoint", "entrypoint", "command", "args", "start_command")
_VAR = re.compile(r"\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)\}")
_MAX_FRAGMENT = 256 * 1024

# (path, service, tokens, region, image, env, source) -> server facts; given by the collector
ServerBuilder = Callable[..., Facts]


def attr(block: dict[str, Any], key: str) -> Any:
    """python-hcl2 wraps each attribute value in a one-element list."""
    value = block.get(key)
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict):
        return value[0]
    return value


def blocks(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from blocks(item)


def variable_defaults(ws_files: list[str], path: str, ctx: CollectContext) -> dict[str, str]:
    """``variable`` defaults of the module (``.tf`` files in the same folder)."""
    folder = str(PurePosixPath(path).parent)
    out: dict[str, str] = {}
    for rel in ws_files:
        if not rel.endswith(".tf") or str(PurePosixPath(rel).parent) != folder:
            continue
        doc = ctx.parsed.hcl(rel)
        for block in blocks((doc or {}).get("variable")):
            for name, body in block.items():
                default = attr(body, "default") if isinstance(body, dict) else None
                if isinstance(default, str | int | float) and not isinstance(default, bool):
                    out[name] = str(default)
    return out


def resolve(value: str, defaults: dict[str, str]) -> str:
    return _VAR.sub(lambda m: defaults.get(m.group(1), m.group(0)), value)


def container_definitions(value: Any) -> list[dict[str, Any]]:
    """The containers of an ECS ``container_definitions`` value (jsonencode or JSON text)."""
    if not isinstance(value, str) or len(value) > _MAX_FRAGMENT:
        return []
    text = value.strip()
    m = re.match(r"^\$\{jsonencode\((.*)\)\}$", text, re.S)
    parsed: Any = None
    if m:
        try:
            parsed = ast.literal_eval(m.group(1))  # python-hcl2 renders the literal as Python
        except (ValueError, SyntaxError, RecursionError, MemoryError):
            return []
    elif text.startswith("["):
        try:
            parsed = parse_json(text, max_depth=50).value
        except SourceError:
            return []
    if isinstance(parsed, dict):
        parsed = [parsed]
    return [c for c in parsed or [] if isinstance(c, dict)]


def _env(container: dict[str, Any]) -> dict[str, str]:
    env: dict[str, str] = {}
    for key in ("environment", "env"):
        for item in blocks(attr(container, key) if key == "environment" else container.get(key)):
            name, value = attr(item, "name"), attr(item, "value")
            if isinstance(name, str) and isinstance(value, str | int):
                env[name] = str(value)
    runtime = attr(container, "runtime_environment_variables")
    if isinstance(runtime, dict):
        env.update({str(k): str(v) for k, v in runtime.items() if isinstance(v, str | int)})
    return env


def _tokens(container: dict[str, Any]) -> list[str]:
    tokens: list[str] = []
    for key in _COMMAND_KEYS:
        value = attr(container, key)
        if isinstance(value, list):
            tokens.extend(str(v) for v in value if isinstance(v, str | int | float))
        elif isinstance(value, str):
            tokens.extend(split_shell(value))
    return tokens


def _containers(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every block below ``body`` that holds an image (or image_identifier) and a command."""
    stack: list[Any] = [body]
    while stack:
        node = stack.pop()
        for block in blocks(node):
            image = attr(block, "image") or attr(block, "image_identifier")
            if isinstance(image, str) and any(k in block for k in _COMMAND_KEYS):
                yield block
            for key, child in block.items():
                if key.startswith("__"):
                    continue
                nested = isinstance(child, list) and any(isinstance(c, dict) for c in child)
                if nested or isinstance(child, dict):
                    stack.append(child)


def _image_of(block: dict[str, Any], parent_image: str | None) -> str | None:
    image = attr(block, "image") or attr(block, "image_identifier")
    return image if isinstance(image, str) else parent_image


def _app_runner(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for src in blocks(body.get("source_configuration")):
        for repo in blocks(src.get("image_repository")):
            image = attr(repo, "image_identifier")
            for conf in blocks(repo.get("image_configuration")):
                merged = dict(conf)
                merged["image"] = image
                yield merged


def terraform_resources(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for block in blocks(doc.get("resource")):
        for rtype, named in block.items():
            for name, body in (named or {}).items():
                if isinstance(body, dict):
                    yield rtype, name, body


def scan_terraform(
    path: str,
    text: str,
    ctx: CollectContext,
    ws_files: list[str],
    build: ServerBuilder,
) -> Facts:
    """Server facts of one ``.tf`` file; ``build`` turns one command into facts."""
    doc = ctx.parsed.hcl(path)
    if doc is None:
        return []
    defaults: dict[str, str] | None = None
    out: Facts = []
    for rtype, name, body in terraform_resources(doc):
        start = int(body.get("__start_line__", 1))
        end = int(body.get("__end_line__", start))
        region = (start, end)
        address = f"{rtype}.{name}"
        platform = PLATFORMS.get(rtype)
        containers: list[dict[str, Any]] = []
        if rtype == "aws_ecs_task_definition":
            containers = container_definitions(attr(body, "container_definitions"))
        elif rtype == "aws_apprunner_service":
            containers = list(_app_runner(body))
        else:
            containers = list(_containers(body))
        found = False
        for c in containers:
            tokens = _tokens(c)
            if not find_invocations(tokens):
                continue
            found = True
            if defaults is None:
                defaults = variable_defaults(ws_files, path, ctx)
            image = _image_of(c, None)
            out.extend(
                build(
                    path=path,
                    service=address,
                    tokens=tokens,
                    region=region,
                    image=resolve(image, defaults) if image else None,
                    image_written=image,
                    env=_env(c),
                    source=platform or "terraform",
                    resource=address,
                )
            )
        if not found and "mlflow" in "\n".join(text.splitlines()[start - 1 : end]):
            out.extend(
                build(
                    path=path,
                    service=address,
                    tokens=None,
                    region=region,
                    image=None,
                    image_written=None,
                    env={},
                    source="terraform",
                    resource=address,
                )
            )
    return out
