"""Robustness evidence: adversarial evaluation in pipelines, input validation at serving.

* ``models``: model artifacts (``artifacts.discovery``) with their asset and impact from
  the configuration's ``assets``. Which models need an adversarial evaluation is policy
  (``rego/lib/robustness.rego``: impact critical or high; with no assets configured,
  every model in a model location that decides about people, gates content or access,
  or learns from personal data).
* ``evidence``: adversarial-robustness evaluation found in DVC stages (``dvc.yaml``), CI
  workflows (``.github/workflows/*.yml``), ``Makefile``, ``tox.ini``, ``noxfile.py``:
  a command of a known tool (TextAttack, ART, Counterfit, Foolbox, ...) or a command that
  runs a Python script importing one; a CI step that reproduces such a DVC stage
  (``dvc repro <stage>``); and robustness report artifacts (``robustness*.json|html|md``,
  ``reports/*adversarial*``).
* ``serving``: serving handlers (``privacy_serving``) with where their input enters and
  the validation evidence found (pydantic models, jsonschema, Guardrails, marshmallow).
* ``anchor``: the file a project-level finding points at (``dvc.yaml``, else the first
  CI workflow, else a ``Makefile`` / ``tox.ini`` / ``noxfile.py``); null when the project
  has no pipeline definition at all (models trained elsewhere: nothing to judge here).

Facts go under ``robustness``; docs/facts.md documents every field.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.artifacts.discovery import discover_models, in_model_location, matches_any
from mlscan.collectors.base import (
    CollectContext,
    CollectorOutput,
    file_failed,
    line_loc,
    notification,
)
from mlscan.collectors.privacy.serving import analyse, is_serving_candidate
from mlscan.collectors.robustness.checks import manual_checks
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Node, SourceError
from mlscan.workspace import Workspace

SOURCE = "robustness"
TOOL_MODULES = {
    "art": "adversarial-robustness-toolbox",
    "textattack": "textattack",
    "counterfit": "counterfit",
    "foolbox": "foolbox",
    "cleverhans": "cleverhans",
    "torchattacks": "torchattacks",
    "robustbench": "robustbench",
    "garak": "garak",
}
TOOL_COMMANDS = re.compile(
    r"\b(textattack\s+(attack|augment|eval)|counterfit|foolbox|garak\b|"
    r"adversarial-robustness-toolbox|python\s+-m\s+(textattack|art|garak|counterfit))",
    re.I,
)
_SCRIPT = re.compile(r"\bpython[0-9.]*\s+(?:-u\s+)?([\w./-]+\.py)\b")
_REPRO = re.compile(r"\bdvc\s+(?:repro|exp\s+run)\b([^\n&|;]*)")
_IMPORTS_TOOL = re.compile(r"^\s*(?:from|import)\s+(?:" + "|".join(TOOL_MODULES) + r")\b", re.M)
REPORT_NAME = re.compile(
    r"(^|/)(robustness[\w.-]*|[\w.-]*adversarial[\w.-]*)\.(json|html|md)$", re.I
)


class RobustnessCollector:
    family = "robustness"

    def applies(self, ws: Workspace) -> bool:
        return True

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        notes: list[Notification] = []
        parsed: list[str] = []
        paths = [f.path for f in ws.candidates()]
        script_tools = _script_tools(ctx.parsed, paths, notes)
        evidence: list[dict[str, Any]] = []
        stages: dict[str, str] = {}
        for p in paths:
            name = PurePosixPath(p).name
            try:
                if name == "dvc.yaml":
                    found, tool_stages = _dvc_stages(ws, p, script_tools, ctx)
                    evidence.extend(found)
                    stages.update(tool_stages)
                    parsed.append(p)
            except FileReadError as exc:
                notes.append(notification(p, exc.reason, SOURCE, kind=exc.kind))
            except SourceError as exc:
                notes.append(notification(p, str(exc), SOURCE, line=exc.line))
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(p, SOURCE, exc))
        workflows = [p for p in paths if _is_workflow(p)]
        for p in paths:
            name = PurePosixPath(p).name
            try:
                if p in workflows:
                    evidence.extend(_workflow(ws, p, script_tools, stages, ctx))
                    parsed.append(p)
                elif name in ("Makefile", "makefile", "GNUmakefile", "tox.ini", "noxfile.py"):
                    evidence.extend(_lines(ctx.parsed, p, script_tools, stages))
                    parsed.append(p)
                elif REPORT_NAME.search(p):
                    evidence.append(
                        {"kind": "report", "tool": None, "name": name, "loc": line_loc(p, None)}
                    )
            except FileReadError as exc:
                notes.append(notification(p, exc.reason, SOURCE, kind=exc.kind))
            except SourceError as exc:
                notes.append(notification(p, str(exc), SOURCE, line=exc.line))
            except Exception as exc:  # one bad file must not cost the others
                notes.append(file_failed(p, SOURCE, exc))
        models = _models(ws, ctx)
        serving, serving_files = _serving(ctx.parsed, paths, notes)
        parsed.extend(serving_files)
        pipelines = [
            p
            for p in paths
            if PurePosixPath(p).name
            in ("Makefile", "makefile", "GNUmakefile", "tox.ini", "noxfile.py")
        ]
        anchor_path = (
            "dvc.yaml"
            if "dvc.yaml" in paths
            else workflows[0]
            if workflows
            else pipelines[0]
            if pipelines
            else None
        )
        return CollectorOutput(
            facts={
                "assets_configured": bool(ctx.config.assets),
                "models": models,
                "evidence": sorted(
                    evidence, key=lambda e: (e["loc"]["path"], e["loc"]["line"] or 0, e["kind"])
                ),
                "serving": serving,
                "anchor": line_loc(anchor_path, None) if anchor_path else None,
            },
            notifications=tuple(sorted(notes)),
            files=tuple(sorted(set(parsed))),
        )


# --------------------------------------------------------------------- scripts
def _script_tools(
    cache: ParseCache, paths: list[str], notes: list[Notification]
) -> dict[str, str]:
    """Python scripts that import an adversarial-robustness library -> that library. An
    unreadable or unparsable script is noted once, by the parse cache."""
    out: dict[str, str] = {}
    for p in paths:
        if not p.endswith(".py"):
            continue
        try:
            _script_tool(cache, p, out)
        except Exception as exc:  # one bad file must not cost the others
            notes.append(file_failed(p, SOURCE, exc))
    return out


def _script_tool(cache: ParseCache, p: str, out: dict[str, str]) -> None:
    text = cache.text(p)
    if text is None or not _IMPORTS_TOOL.search(text):
        return
    tree = cache.python_ast(p)
    if tree is not None:
        for node in ast.walk(tree):
            mods: list[str] = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                mods = [node.module]
            for mod in mods:
                top = mod.split(".")[0]
                # `art` is a common name: only ART's own subpackages count
                if top == "art" and not re.match(
                    r"^art\.(attacks|estimators|defences|metrics)", mod
                ):
                    continue
                if top in TOOL_MODULES:
                    out.setdefault(p, TOOL_MODULES[top])


def _command_tool(cmd: str, base: str, scripts: dict[str, str]) -> str | None:
    m = TOOL_COMMANDS.search(cmd)
    if m:
        word = m.group(0).lower()
        for mod, tool in TOOL_MODULES.items():
            if mod in word or tool in word:
                return tool
        return word.split()[0]
    for script in _SCRIPT.findall(cmd):
        rel = script[2:] if script.startswith("./") else script
        full = rel if base in ("", ".") else f"{base}/{rel}"
        found = scripts.get(full) or scripts.get(rel)
        if found is not None:
            return found
    return None


# ------------------------------------------------------------------------ dvc
def _dvc_stages(
    ws: Workspace, rel: str, scripts: dict[str, str], ctx: CollectContext
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    docs = ctx.parsed.yaml(rel) or []  # a rejected file is noted once, by the parse cache
    base = str(PurePosixPath(rel).parent)
    evidence, tool_stages = [], {}
    for doc in docs:
        stages = doc.get("stages") if doc.kind == "map" else None
        if stages is None or stages.kind != "map":
            continue
        for name, stage in stages.items():
            cmd_node = stage.get("cmd") if stage.kind == "map" else None
            if cmd_node is None:
                continue
            cmd = (
                " ".join(str(v) for v in cmd_node.value)
                if isinstance(cmd_node.value, list)
                else str(cmd_node.value)
            )
            tool = _command_tool(cmd, base, scripts)
            if tool is None:
                continue
            tool_stages[name] = tool
            span = stage.key_span or stage.span
            evidence.append({"kind": "dvc-stage", "tool": tool, "name": name, "loc": span.loc(rel)})
    return evidence, tool_stages


# ------------------------------------------------------------------- workflows
def _is_workflow(p: str) -> bool:
    pp = PurePosixPath(p)
    return (
        len(pp.parts) >= 3
        and pp.parts[-3:-1] == (".github", "workflows")
        and pp.suffix in (".yml", ".yaml")
    )


def _workflow(
    ws: Workspace, rel: str, scripts: dict[str, str], stages: dict[str, str], ctx: CollectContext
) -> list[dict[str, Any]]:
    docs = ctx.parsed.yaml(rel) or []  # a rejected file is noted once, by the parse cache
    out = []
    for doc in docs:
        jobs = doc.get("jobs") if doc.kind == "map" else None
        for _job, job in jobs.items() if jobs is not None and jobs.kind == "map" else []:
            steps = job.get("steps") if job.kind == "map" else None
            for step in steps.children if steps is not None and steps.kind == "seq" else []:
                if step.kind != "map":
                    continue
                run = step.get("run")
                uses = step.get("uses")
                text = str(run.value) if run is not None else ""
                tool = _command_tool(text, ".", scripts) if text else None
                if tool is None and text:
                    tool = _repro_tool(text, stages)
                if tool is None and uses is not None and isinstance(uses.value, str):
                    low = uses.value.lower()
                    tool = next(
                        (t for m, t in TOOL_MODULES.items() if m != "art" and m in low), None
                    )
                if tool is None:
                    continue
                name_node = step.get("name")
                anchor: Node = run if run is not None else step
                out.append(
                    {
                        "kind": "ci-step",
                        "tool": tool,
                        "name": str(name_node.value) if name_node is not None else text[:60],
                        "loc": (anchor.key_span or anchor.span).loc(rel),
                    }
                )
    return out


def _repro_tool(text: str, stages: dict[str, str]) -> str | None:
    for m in _REPRO.finditer(text):
        for word in m.group(1).split():
            if word in stages:
                return stages[word]
    return None


def _lines(
    cache: ParseCache, rel: str, scripts: dict[str, str], stages: dict[str, str]
) -> list[dict[str, Any]]:
    kind = {"tox.ini": "tox", "noxfile.py": "nox"}.get(PurePosixPath(rel).name, "make-target")
    base = str(PurePosixPath(rel).parent)
    out = []
    for i, line in enumerate((cache.text(rel) or "").splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        tool = _command_tool(line, base, scripts) or _repro_tool(line, stages)
        if tool is None and kind == "nox":
            m = re.search(r"session\.run\((.*)\)", line)
            if m:
                tool = _command_tool(
                    " ".join(re.findall(r"[\"']([^\"']+)[\"']", m.group(1))), base, scripts
                )
        if tool is not None:
            out.append(
                {"kind": kind, "tool": tool, "name": line.strip()[:80], "loc": line_loc(rel, i)}
            )
    return out


# ---------------------------------------------------------------------- models
def _models(ws: Workspace, ctx: CollectContext) -> list[dict[str, Any]]:
    out = []
    assets = ctx.config.assets
    for art in discover_models(ws, ctx.config.signing.required):
        if not in_model_location(art):
            continue
        asset, impact = None, None
        for rule in assets:
            if matches_any(art.path, rule.match) or any(
                matches_any(m, rule.match) for m in art.members
            ):
                asset, impact = rule.name, rule.impact
                break
        out.append(
            {
                "path": art.path,
                "kind": art.kind,
                "format": art.format,
                "asset": asset,
                "impact": impact,
                "loc": line_loc(art.path, None),
            }
        )
    return out


# --------------------------------------------------------------------- serving
def _serving(
    cache: ParseCache, paths: list[str], notes: list[Notification]
) -> tuple[list[dict[str, Any]], list[str]]:
    out, files = [], []
    py_files = frozenset(p for p in paths if p.endswith(".py"))
    for p in paths:
        if not p.endswith(".py"):
            continue
        try:
            text = cache.text(p)
            if text is None or not is_serving_candidate(p, text):
                continue
            tree = cache.python_ast(p)  # a rejected file is noted once, by the parse cache
            module = analyse(p, text, tree) if tree is not None else None
        except Exception as exc:  # one bad file must not cost the others
            notes.append(file_failed(p, SOURCE, exc))
            continue
        if module is None:
            continue
        files.append(p)
        defs = {
            n.name: n
            for n in (ast.walk(tree) if tree is not None else ())
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        for h in module.handlers:
            fn = defs.get(h.function)
            checks = (
                manual_checks(p, tree, fn, py_files, cache.python_ast)
                if fn is not None and tree is not None and not h.validation
                else []
            )
            out.append(
                {
                    "path": p,
                    "function": h.function,
                    "framework": h.framework,
                    "raw_reads": [r["call"] for r in h.raw_reads],
                    "reaches_model": bool(h.reaches_model) or h.framework == "sagemaker",
                    "model_evidence": h.reaches_model,
                    "validation": [
                        {"kind": v["kind"], "name": v["name"], "loc": line_loc(p, v["line"])}
                        for v in h.validation + module.module_validation
                    ]
                    + [
                        {"kind": c["kind"], "name": c["name"],
                         "loc": line_loc(c["path"], c["line"])}
                        for c in checks
                    ],
                    "loc": {
                        "path": p,
                        "line": h.line,
                        "col": h.col,
                        "end_line": h.line,
                        "end_col": h.end_col,
                    },
                    "input_loc": line_loc(p, h.input_line, h.input_col),
                }
            )
    return out, files
