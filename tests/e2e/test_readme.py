"""The README as a new user reads it: its scan excerpt is what the scan prints, and its
Action and pre-commit snippets use names that exist."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.helpers import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")),
        *sorted((REPO / "docs" / "examples").glob("*.yml"))]


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_the_readme_excerpt_is_what_the_first_command_prints() -> None:
    res = run_cli("scan", "examples/sentiment-api/insecure")
    assert res.code == 1, res.err  # "exits 1: the example is insecure on purpose"
    printed = res.out.splitlines()
    (excerpt,) = _blocks(README, "text")
    missing = [line for line in excerpt.splitlines() if line.strip() and line not in printed]
    assert missing == []


def _steps(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if isinstance(node.get("uses"), str) else []
        return found + [s for v in node.values() for s in _steps(v)]
    if isinstance(node, list):
        return [s for v in node for s in _steps(v)]
    return []


def test_documented_action_inputs_and_outputs_exist() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    outputs, inputs = set(action["outputs"]), set(action["inputs"])
    used_outputs: set[str] = set()
    used_inputs: set[str] = set()
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        used_outputs |= set(re.findall(r"steps\.mlscan\.outputs\.([\w-]+)", text))
        blocks = [text] if doc.suffix == ".yml" else _blocks(text, "yaml")
        for block in blocks:
            for step in _steps(yaml.safe_load(block)):
                if step["uses"].startswith("mlscan/mlscan@"):
                    used_inputs |= set(step.get("with") or {})
    assert used_outputs and used_outputs <= outputs, used_outputs - outputs
    assert used_inputs and used_inputs <= inputs, used_inputs - inputs


def test_the_readme_pre_commit_snippet_is_a_whole_config_naming_the_hook() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    configs = [
        yaml.safe_load(b) for b in _blocks(README, "yaml") if "hooks:" in b and "repo:" in b
    ]
    assert configs
    for config in configs:
        (repo,) = config["repos"]  # pasted as .pre-commit-config.yaml it must load as is
        assert [h["id"] for h in repo["hooks"]] == [hook["id"]]
