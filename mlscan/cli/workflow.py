"""Workflow commands: ``mlscan init`` writes a commented starter ``.mlscan.yaml``.

The starter looks at what the project holds (DVC, MLflow, Terraform, model folders,
public keys) and suggests settings for it. It never overwrites a configuration unless
asked to with ``--force``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import click

from mlscan.collectors.artifacts.discovery import SIGNATURE_SUFFIXES
from mlscan.errors import MlscanError, UsageError
from mlscan.workspace import Workspace, WorkspaceOptions


@dataclass(frozen=True, kw_only=True)
class ProjectProfile:
    """What ``mlscan init`` found in a project."""

    dvc: bool
    mlflow: bool
    terraform: bool
    kubernetes: bool
    helm: bool = False
    ansible: bool = False
    model_servers: bool = False  # Procfile / heroku.yml / bentofile / Python serving apps
    model_roots: tuple[str, ...]  # top-level folders that hold model files
    model_groups: tuple[str, ...]  # their sub-folders / stems: one asset group each
    public_keys: tuple[str, ...]
    signatures: bool


def _fact_sources(node: Any, out: set[str]) -> set[str]:
    """Every file a fact was read from: the ``path`` of each location object."""
    if isinstance(node, dict):
        path = node.get("path")
        if isinstance(path, str) and "line" in node:
            out.add(path)
        for value in node.values():
            _fact_sources(value, out)
    elif isinstance(node, list):
        for value in node:
            _fact_sources(value, out)
    return out


def _family(facts: dict[str, Any], name: str) -> dict[str, Any]:
    body = facts.get(name)
    return body if isinstance(body, dict) else {}


def profile(root: Path) -> ProjectProfile:
    """What the scanner itself finds in ``root`` (its fact document), so that the starter
    names exactly the sources and models a scan reads; keys come from the file list.
    The existing configuration is not read: ``--force`` replaces a broken one too."""
    from mlscan.scan import collect_facts

    facts = collect_facts((str(root),), config_path=os.devnull).facts
    sources = {
        family: _fact_sources(body, set())
        for family, body in facts.items()
        if family not in ("schema_version", "workspace", "notifications")
    }
    everywhere = set().union(*sources.values()) if sources else set()
    ws = Workspace.discover(root, WorkspaceOptions())
    paths = [f.path for f in ws.candidates(include_ignored=True)]
    names = {PurePosixPath(p).name for p in paths}
    # the models the scanner found (by content, MLflow/SavedModel folders included): the
    # same paths `signing.required` and `assets` globs are matched against
    model_files = sorted(
        {
            m["path"]
            for family, section in (("signatures", "models"), ("artifacts", "files"))
            for m in _family(facts, family).get(section) or []
            if isinstance(m, dict) and isinstance(m.get("path"), str)
        }
    )
    roots = sorted({p.split("/", 1)[0] for p in model_files if "/" in p})
    groups: set[str] = set()
    for p in model_files:
        parts = p.split("/")
        if len(parts) >= 3:
            groups.add(f"{parts[0]}/{parts[1]}")
        elif len(parts) == 2:
            groups.add(f"{parts[0]}/{PurePosixPath(parts[1]).stem}")
    serving = _family(facts, "serving")
    return ProjectProfile(
        dvc=bool(sources.get("dvc")),
        mlflow=bool(sources.get("mlflow")) or bool(_family(facts, "artifacts").get("mlmodels")),
        terraform=any(p.endswith((".tf", ".tf.json", ".tfvars")) for p in everywhere),
        kubernetes=any(
            isinstance(w, dict) and w.get("source") == "kubernetes"
            for w in serving.get("workloads") or []
        ),
        helm="Chart.yaml" in names or any(n.startswith("helmfile.") for n in names),
        ansible=any(
            part in ("roles", "playbooks", "ansible") for p in paths for part in p.split("/")[:-1]
        ),
        model_servers=bool(serving.get("endpoints"))
        or bool(_family(facts, "supply_chain").get("bento_envs")),
        model_roots=tuple(roots),
        model_groups=tuple(sorted(groups)),
        public_keys=tuple(sorted(p for p in paths if p.endswith(".pub"))),
        signatures=any(p.lower().endswith(SIGNATURE_SUFFIXES) for p in paths),
    )


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid double-quoted YAML scalar


def render_starter(p: ProjectProfile) -> str:
    found = [
        name
        for name, present in (
            ("DVC", p.dvc),
            ("MLflow", p.mlflow),
            ("Terraform", p.terraform),
            ("Kubernetes manifests", p.kubernetes),
            ("Helm charts", p.helm),
            ("Ansible", p.ansible),
            ("model servers", p.model_servers),
            ("model files", bool(p.model_roots)),
            ("signatures", p.signatures),
        )
        if present
    ]
    out = [
        "# mlscan configuration (written by `mlscan init`; edit freely).",
        "# Reference: docs/configuration.md. Validate with: mlscan scan --fail-on never",
        f"# Found in this project: {', '.join(found) if found else 'nothing mlscan knows yet'}.",
        "",
        "# Lowest severity that makes `mlscan scan` exit 1: critical | high | medium | low | never",
        "fail_on: medium",
        "",
        "# Paths (globs) never scanned.",
        "exclude:",
        '  - "vendor/**"',
        "",
        "# Extra Rego policy folders, controls to switch off, severity overrides:",
        '# policies: ["policies/rego"]',
        "# disable: [MLS-ROB-001]",
        "# severity: {MLS-SUP-001: low}",
        "",
        "# Accepted findings in files without comments (JSON, model files). Elsewhere, put a",
        "# comment on or above the line, e.g.:",
        '# mlscan:ignore[MLS-DVC-006] reason="internal mirror behind VPN" expires=2027-01-31',
        "# ignore:",
        '#   - {control: MLS-BKT-003, path: policies/legacy.json, reason: "vendor bucket", '
        "expires: 2027-03-01}",
        "",
    ]
    if p.model_roots or p.signatures:
        out += ["# Model signing: the keys and identities you trust; models that must be signed."]
        out += ["signing:"]
        if p.public_keys:
            out += ["  trusted_keys:"] + [f"    - {_q(k)}" for k in p.public_keys]
        else:
            out += ["  # trusted_keys: [keys/model-signing.pub]"]
        out += [
            "  # trusted_identities:",
            '  #   - {identity: "https://github.com/ORG/REPO/.github/workflows/release.yml'
            '@refs/heads/main", issuer: "https://token.actions.githubusercontent.com"}',
        ]
        if p.model_roots:
            out += ["  required:"] + [f"    - {_q(r + '/**')}" for r in p.model_roots]
        else:
            out += ["  required: []"]
        out += [""]
    else:
        out += [
            "# Model signing (no model files found yet):",
            "# signing:",
            "#   trusted_keys: [keys/model-signing.pub]",
            '#   required: ["models/**"]',
            "",
        ]
    out += [
        "# Business impact of each asset group, for risk ranking (critical | high | medium | low).",
    ]
    if p.model_groups:
        out += ["assets:"]
        for g in p.model_groups:
            name = PurePosixPath(g).name
            out += [
                f"  - name: {_q(name)}",
                f"    match: [{_q(g + '/**')}, {_q(g + '.*')}]",
                "    impact: medium   # raise to high or critical for production models",
            ]
    else:
        out += [
            "# assets:",
            '#   - {name: credit-scoring, match: ["models/credit*"], impact: critical}',
        ]
    if p.helm or p.ansible or p.model_servers:
        out += [
            "",
            "# Deployments: mlscan reads Helm values (values*.yaml, helmfile, Argo CD, Terraform",
            "# helm_release values and their templatefile() files),",
            "# Ansible tasks and Jinja templates (*.j2), Makefiles, Procfiles, Dockerfiles and",
            "# Python serving apps. Test-only images and apps under tests/ are not model servers;",
            "# exclude other non-production trees here, e.g.:",
            '# exclude: ["examples/**", "notebooks/**"]',
        ]
    if p.terraform:
        out += [
            "",
            "# Terraform: mlscan maps the checkov checks that matter for ML assets; set",
            "# include_all_checkov to report every other checkov finding too. API Gateway",
            "# routes and internet-facing load balancers are followed across local modules",
            "# to the Lambda / ECS service behind them.",
            "iac:",
            "  include_all_checkov: false",
        ]
    return "\n".join(out) + "\n"


@click.command("init")
@click.argument(
    "path", type=click.Path(file_okay=False, path_type=Path), default=Path("."), required=False
)
@click.option("--force", is_flag=True, help="Overwrite an existing .mlscan.yaml.")
def init_command(path: Path, force: bool) -> None:
    """Write a commented starter .mlscan.yaml for the project at PATH."""
    from mlscan.config import CONFIG_NAMES, load_config

    if not path.is_dir():
        raise UsageError(f"{path} is not a directory; pass the project folder")
    existing = [path / n for n in CONFIG_NAMES if (path / n).exists()]
    target = existing[0] if existing else path / CONFIG_NAMES[0]
    if existing and not force:
        raise UsageError(f"{target} already exists; edit it, or rerun with --force to replace it")
    text = render_starter(profile(path))
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MlscanError(f"cannot write {target}: {exc.strerror}") from exc
    load_config(target)  # the starter must always load; a failure here is a bug
    click.echo(f"wrote {target}")
