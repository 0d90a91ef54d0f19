"""Helpers shared by the end-to-end tests: run the real CLI and read its output."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: str | Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> CliRun:
    """Run ``python -m mlscan ARGS`` in a subprocess, exactly as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "DVC_NO_ANALYTICS": "1"}
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "mlscan", *args],
        cwd=cwd or REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr)


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def rego_bucket(facts: dict[str, Any], name: str) -> dict[str, Any]:
    """The asset entry of bucket ``name`` as the Rego bucket-role model sees it
    (``data.mlscan.lib.ml_assets.bucket``), evaluated on ``facts`` with the built-in libs."""
    import json as _json

    from mlscan.engine.embedded import new_engine

    engine = new_engine()
    for lib in sorted((REPO / "rego" / "lib").glob("*.rego")):
        if not lib.name.endswith("_test.rego"):
            engine.add_policy_from_file(str(lib))
    engine.set_input_json(_json.dumps(facts))
    result = engine.eval_query(f"data.mlscan.lib.ml_assets.bucket({_json.dumps(name)})")
    value: dict[str, Any] = result["result"][0]["expressions"][0]["value"]
    return value
