"""The infrastructure-as-code collector: one checkov run, three families.

* ``iac`` - checkov results (raw; the policy maps them to controls), buckets with their companion
  resources, IAM roles and policy statements, SageMaker notebooks / endpoint
  configurations / models / domains, ECR, Terraform backends, network exposure;
* ``bucket_policies`` - bucket policies statement by statement (standalone JSON,
  Terraform, CloudFormation) and public grants (GCS IAM members, Azure containers);
* ``serving`` - Kubernetes and docker-compose workloads, Services and Ingresses.

Terraform is evaluated module by module (``tf_module``). The asset graph (which bucket
holds models or data) is built afterwards by the link stage (``mlscan.collectors.link``).
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from mlscan.collectors.base import CollectContext, CollectorOutput, file_failed, notification
from mlscan.collectors.iac.bucket_policies import looks_like_policy
from mlscan.collectors.iac.checkov_run import CheckovRun, run_checkov
from mlscan.collectors.iac.cloudformation import add_cloudformation, cfn_exports
from mlscan.collectors.iac.model import (
    IacModel,
    add_standalone_policy,
    add_terraform,
    link_role_users,
    link_workspace_storage,
)
from mlscan.collectors.iac.tf_module import TfFile, backends, group_modules
from mlscan.collectors.serving.k8s import (
    ServingModel,
    add_compose,
    add_k8s_document,
    is_k8s_document,
    link_services,
)
from mlscan.compose_files import COMPOSE_NAME, compose_services, may_be_compose
from mlscan.errors import FileReadError
from mlscan.models import Notification
from mlscan.parse_cache import ParseCache
from mlscan.sourcemap import Node
from mlscan.workspace import Workspace, WorkspaceFile

SOURCE = "iac"
_YAML = frozenset({".yaml", ".yml"})
_CFN_MARKER = re.compile(
    r"AWSTemplateFormatVersion|[\"']?Type[\"']?\s*:\s*[\"']?AWS::[A-Za-z0-9]+::"
)


def _is_dockerfile(f: WorkspaceFile) -> bool:
    name = f.name
    return (
        name == "Dockerfile"
        or name.startswith("Dockerfile.")
        or name.endswith(".Dockerfile")
        or name.lower() == "containerfile"
    )


def _in_helm_templates(rel: str, chart_dirs: set[str]) -> bool:
    parts = PurePosixPath(rel).parts
    return any(
        "/".join(parts[:i]) in chart_dirs and parts[i] == "templates" for i in range(len(parts) - 1)
    )


@dataclass
class Analysis:
    checkov: CheckovRun = field(default_factory=CheckovRun)
    model: IacModel = field(default_factory=IacModel)
    serving: ServingModel = field(default_factory=ServingModel)
    backends: list[dict[str, Any]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # family -> files parsed
    include_all: bool = False


def analyse(ws: Workspace, ctx: CollectContext) -> Analysis:
    """The IaC analysis of ``ws`` (one checkov run)."""
    return _analyse(ws, ctx, bool(ctx.config.iac.include_all_checkov))


_SNIFF_BYTES = 64 * 1024


def _looks_like_iac(ws: Workspace, rel: str) -> bool:
    """Whether the start of a file too large to parse looks like configuration (a
    template, a policy, a manifest) rather than data: only those are worth a note."""
    try:
        with ws.abspath(rel).open("rb") as fh:
            head = fh.read(_SNIFF_BYTES).decode("utf-8", "replace")
    except (OSError, FileReadError):
        return True
    return bool(
        _CFN_MARKER.search(head)
        or '"Statement"' in head
        or ("apiVersion" in head and "kind" in head)
        or "services:" in head
    )


def _tfvars_rank(name: str) -> int | None:
    """Where a variable-definitions file comes in Terraform's loading order, or None."""
    if name == "terraform.tfvars":
        return 0
    if name == "terraform.tfvars.json":
        return 1
    if name.endswith((".auto.tfvars", ".auto.tfvars.json")):
        return 2
    return None


def _tfvars(
    ws: Workspace, ctx: CollectContext, files: list[WorkspaceFile]
) -> dict[str, dict[str, tuple[Any, str]]]:
    """Variable values per module folder from ``terraform.tfvars``,
    ``terraform.tfvars.json``, ``*.auto.tfvars`` and ``*.auto.tfvars.json`` (in Terraform's
    order: terraform.tfvars, terraform.tfvars.json, then the auto files by name; a later
    file overrides an earlier one), parsed by the parse cache."""
    out: dict[str, dict[str, tuple[Any, str]]] = {}
    chosen = sorted(
        (f for f in files if _tfvars_rank(f.name) is not None),
        key=lambda f: (posixpath.dirname(f.path), _tfvars_rank(f.name), f.name),
    )
    for f in chosen:
        if f.name.endswith(".json"):
            node = ctx.parsed.json(f.path)
            doc = node.value if node is not None and node.kind == "map" else None
        else:
            doc = ctx.parsed.hcl(f.path)
        if not isinstance(doc, dict):
            continue
        folder = out.setdefault(posixpath.dirname(f.path), {})
        for name, value in doc.items():
            if not str(name).startswith("__"):
                folder[str(name)] = (value, f.path)
    return out


def _analyse(ws: Workspace, ctx: CollectContext, include_all: bool) -> Analysis:
    out = Analysis(include_all=include_all)
    limit = ws.options.max_file_size
    files = [f for f in ws.candidates() if f.size <= limit]
    chart_dirs = {
        str(PurePosixPath(f.path).parent) if "/" in f.path else ""
        for f in files
        if f.name == "Chart.yaml"
    }
    for chart in sorted(chart_dirs):
        out.notifications.append(
            notification(
                f"{chart}/Chart.yaml" if chart else "Chart.yaml",
                "Helm chart templates are not rendered, so they are not scanned; scan the "
                "output of `helm template` to cover them",
                SOURCE,
                kind="skipped",
                level="note",
            )
        )
    by_framework: dict[str, list[tuple[str, str]]] = {}
    texts: dict[str, str] = {}
    k8s_docs: dict[str, list[Node]] = {}

    def add(framework: str, rel: str) -> None:
        try:
            by_framework.setdefault(framework, []).append((rel, str(ws.abspath(rel))))
        except FileReadError as exc:
            out.notifications.append(
                notification(rel, f"not scanned: {exc.reason}", SOURCE, kind=exc.kind)
            )

    for f in files:
        try:
            _one_file(ws, ctx, out, f, chart_dirs, texts, k8s_docs, add)
        except Exception as exc:  # one bad file must not cost the others
            out.notifications.append(file_failed(f.path, SOURCE, exc))

    tfvars = _tfvars(ws, ctx, files)
    abs_tfvars: dict[str, dict[str, tuple[Any, str]]] = {}
    for _folder, values in tfvars.items():
        try:
            base = os.path.dirname(str(ws.abspath(values[next(iter(values))][1])))
        except (FileReadError, StopIteration):
            continue
        abs_tfvars[base] = {
            name: (value, str(ws.abspath(rel))) for name, (value, rel) in values.items()
        }
        out.files.setdefault("iac", []).extend(rel for _, rel in values.values())
    limits = ctx.config.limits
    run = run_checkov(
        by_framework,
        checks=ctx.checkov_checks,
        include_all=include_all,
        tfvars=abs_tfvars,
        timeout=float(limits.checkov_timeout),
        max_memory=int(limits.checkov_max_memory),
    )
    out.checkov = run
    for rel, reason in sorted(run.file_errors.items()):
        out.notifications.append(
            notification(
                rel,
                f"{reason}; its IaC checks and facts are missing, other files were still "
                "checked",
                SOURCE,
                kind="limit",
            )
        )
    for rel in run.parse_errors:
        detail, line = _parse_error_detail(rel, texts.get(rel, ""))
        out.notifications.append(
            notification(
                rel,
                f"not parsed ({detail}); its IaC checks and facts are missing",
                SOURCE,
                line=line,
            )
        )
    for message in run.errors:
        out.notifications.append(notification(".", message, SOURCE, kind="tool-error"))
    tf_files = [
        TfFile(path=rel, defs=defs, lines=tuple(texts.get(rel, "").split("\n")))
        for rel, defs in sorted(run.definitions.get("terraform", {}).items())
        if rel not in run.parse_errors and isinstance(defs, dict)
    ]
    for module in group_modules(tf_files, run.breadcrumbs, tfvars):
        add_terraform(out.model, module)
        out.backends.extend(backends(module.files))
    templates = run.definitions.get("cloudformation", {})
    exports = cfn_exports(templates, {rel: _cfn_outputs(ctx, rel) for rel in templates})
    for rel, template in sorted(templates.items()):
        if isinstance(template, dict):
            folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
            add_cloudformation(
                out.model, rel, template, texts.get(rel, ""), exports.get(folder, {})
            )
    for rel, docs in sorted(k8s_docs.items()):
        for doc in docs:
            add_k8s_document(out.serving, rel, doc)
    link_workspace_storage(out.model)
    link_role_users(out.model)
    link_services(out.serving)
    out.model.sort()
    out.backends.sort(key=lambda b: (b["loc"]["path"], b["loc"]["line"] or 0, b["type"]))
    out.notifications.sort()
    for items in by_framework.values():
        out.files.setdefault("iac", []).extend(rel for rel, _ in items)
    return out


def _cfn_outputs(ctx: CollectContext, rel: str) -> Any:
    """A template's ``Outputs`` as plain data (checkov's definitions drop them)."""
    if rel.endswith(".json"):
        node = ctx.parsed.json(rel)
        doc = node.value if node is not None else None
    else:
        docs = ctx.parsed.yaml(rel)
        doc = docs[0].value if docs else None
    return doc.get("Outputs") if isinstance(doc, dict) else None


def _one_file(
    ws: Workspace,
    ctx: CollectContext,
    out: Analysis,
    f: WorkspaceFile,
    chart_dirs: set[str],
    texts: dict[str, str],
    k8s_docs: dict[str, list[Node]],
    add: Any,
) -> None:
    """Read one file through the parse cache. Only a file mlscan parsed within its limits
    is handed to checkov; a rejected file is noted once, by the cache."""
    parsed = ctx.parsed
    rel = f.path
    if f.suffix == ".tf":
        if parsed.hcl(rel) is None:
            return
        text = parsed.text(rel)
        if text is not None:
            texts[rel] = text
            add("terraform", rel)
    elif _is_dockerfile(f):
        text = parsed.text(rel)
        if text is not None:
            texts[rel] = text
            add("dockerfile", rel)
    elif f.suffix in _YAML or f.suffix in (".json", ".template"):
        if chart_dirs and _in_helm_templates(rel, chart_dirs):
            return
        fmt = "json" if f.suffix == ".json" else "yaml"
        limit = parsed.size_limit(fmt) or f.size
        if f.size > limit:
            if _looks_like_iac(ws, rel):
                parsed.over_limit(fmt, rel)  # the cache notes it: never silently skipped
            return  # otherwise data, not configuration
        text = parsed.text(rel)
        if text is None:
            return
        texts[rel] = text
        if _CFN_MARKER.search(text) and "Resources" in text:
            # JSON templates through the JSON parser, YAML (and .template) through YAML
            ok = parsed.json(rel) if fmt == "json" else parsed.yaml(rel)
            if ok is not None:
                add("cloudformation", rel)
        elif f.suffix == ".json":
            _standalone_json(out, rel, text, parsed)
        elif f.suffix in _YAML:
            _yaml_file(out, rel, text, f, k8s_docs, add, parsed)


def _parse_error_detail(rel: str, text: str) -> tuple[str, int | None]:
    """A one-line reason and line for a file checkov could not parse."""
    # mlscan's own parse already passed (a file it rejects never reaches checkov)
    return "checkov could not parse it", None


def _key_locs(statement: Node, rel: str) -> dict[str, dict[str, Any]]:
    """Positions of a statement's Principal / Action keys (or their Not* forms)."""
    out: dict[str, dict[str, Any]] = {}
    for name, keys in (
        ("principal", ("Principal", "NotPrincipal")),
        ("action", ("Action", "NotAction")),
    ):
        for key in keys:
            node = statement.get(key)
            if node is not None and node.key_span is not None:
                out[name] = node.key_span.loc(rel)
                break
    return out


def _standalone_json(out: Analysis, rel: str, text: str, parsed: ParseCache) -> None:
    if '"Statement"' not in text:
        return
    root = parsed.json(rel)  # a rejected file is noted once, by the parse cache
    if root is None:
        return
    if root.kind != "map" or not looks_like_policy(root.value):
        return
    stmt_node = root.get("Statement")
    assert stmt_node is not None
    nodes = stmt_node.children if stmt_node.kind == "seq" else [stmt_node]
    statements = [(n.value, n.span.line, _key_locs(n, rel)) for n in nodes if n.kind == "map"]
    key_span = stmt_node.key_span
    add_standalone_policy(
        out.model,
        rel,
        statements,
        root.span.line,
        statement_key_loc=key_span.loc(rel) if key_span is not None else None,
    )
    out.files.setdefault("bucket_policies", []).append(rel)


def _yaml_file(
    out: Analysis,
    rel: str,
    text: str,
    f: WorkspaceFile,
    k8s_docs: dict[str, list[Node]],
    add: Any,
    parsed: ParseCache,
) -> None:
    looks_k8s = "apiVersion" in text and "kind" in text
    maybe_compose = may_be_compose(f.name, text)
    if not looks_k8s and not maybe_compose:
        return
    docs = parsed.yaml(rel)  # a rejected file is noted once, by the parse cache
    if docs is None:
        return
    # a compose file by name, or any YAML (a Swarm stack file, ...) shaped like one
    compose_docs = [
        d for d in docs
        if d.kind == "map" and (COMPOSE_NAME.match(f.name) or compose_services(d))
    ] if maybe_compose else []
    if compose_docs:
        for doc in compose_docs:
            add_compose(out.serving, rel, doc)
        out.files.setdefault("serving", []).append(rel)
        return
    if COMPOSE_NAME.match(f.name):
        out.files.setdefault("serving", []).append(rel)
        return
    found = [d for d in docs if d.kind == "map" and is_k8s_document(d.value)]
    if found:
        k8s_docs[rel] = found
        add("kubernetes", rel)
        out.files.setdefault("serving", []).append(rel)


# --------------------------------------------------------------------- facts
def _checkov_facts(a: Analysis) -> list[dict[str, Any]]:
    covered = a.model.addresses | a.serving.addresses
    out = []
    for r in a.checkov.results:
        out.append(
            {
                "check_id": r.check_id,
                "check_name": r.check_name,
                "framework": r.framework,
                "resource": r.resource,
                "result": r.result,
                "native_fact": (r.path, r.resource) in covered,
                "loc": {
                    "path": r.path,
                    "line": r.start_line,
                    "col": None,
                    "end_line": r.end_line,
                    "end_col": None,
                },
            }
        )
    return out


def _applies_iac(ws: Workspace) -> bool:
    return any(
        f.suffix in (".tf", ".yaml", ".yml", ".json", ".template") or _is_dockerfile(f)
        for f in ws.candidates()
    )


class IacCollector:
    """One checkov run; emits ``iac`` and, beside it, ``bucket_policies`` and ``serving``."""

    family = "iac"

    def applies(self, ws: Workspace) -> bool:
        return _applies_iac(ws)

    def collect(self, ws: Workspace, ctx: CollectContext) -> CollectorOutput:
        a = analyse(ws, ctx)
        m = a.model
        s = a.serving
        key = lambda f: (f["loc"]["path"], f["loc"]["line"] or 0, f["address"])  # noqa: E731
        facts = {
            "checkov": {
                "frameworks": list(a.checkov.frameworks),
                "include_all": a.include_all,
            },
            "checkov_results": _checkov_facts(a),
            "buckets": m.buckets,
            "backends": a.backends,
            "iam_roles": m.iam_roles,
            "iam_statements": m.iam_statements,
            "iam_managed_policies": m.iam_managed_policies,
            "sagemaker_notebooks": m.notebooks,
            "sagemaker_endpoint_configs": m.endpoint_configs,
            "sagemaker_models": m.models,
            "sagemaker_domains": m.domains,
            "ecr_repositories": m.ecr_repositories,
            "network_exposures": m.network_exposures,
            "instances": m.instances,
            "service_accounts": m.service_accounts,
            "ci_artifact_stores": m.ci_artifact_stores,
            "ml_workspaces": m.ml_workspaces,
        }
        return CollectorOutput(
            facts=facts,
            notifications=tuple(a.notifications),
            files=tuple(sorted(set(a.files.get("iac", [])))),
            families={
                "bucket_policies": {
                    "policies": m.bucket_policies,
                    "statements": m.bucket_statements,
                    "public_grants": m.public_grants,
                },
                "serving": {
                    "workloads": sorted(s.workloads, key=key),
                    "services": sorted(s.services, key=key),
                    "ingresses": sorted(s.ingresses, key=key),
                },
            },
            family_files={
                "bucket_policies": tuple(sorted(set(a.files.get("bucket_policies", [])))),
                "serving": tuple(sorted(set(a.files.get("serving", [])))),
            },
        )
