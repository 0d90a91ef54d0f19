"""A short atheris budget for every fuzz target (fuzz/fuzz_parsers.py), as CI runs it:
each target in its own subprocess, all at once; any crash fails the test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fuzz.targets import TARGETS
from tests.security.support import ROOT

pytest.importorskip("atheris")

RUNS = {"hcl": 5, "policy-json": 200}
DEFAULT_RUNS = 500


def test_every_target_survives_a_short_atheris_budget(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    procs = {
        name: subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "fuzz" / "fuzz_parsers.py"),
                name,
                f"-atheris_runs={RUNS.get(name, DEFAULT_RUNS)}",
                "-seed=1",
            ],
            cwd=tmp_path,  # crash-* / leak-* files land here, not in the checkout
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in sorted(TARGETS)
    }
    failures = {}
    for name, proc in procs.items():
        out, _ = proc.communicate()
        if proc.returncode != 0 or "Done " not in out:
            failures[name] = out[-3000:]
    assert failures == {}


def test_harness_lists_targets() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_parsers.py"), "--list"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert proc.stdout.split()[1:] == sorted(TARGETS)


def test_harness_reports_a_crash(tmp_path: Path) -> None:
    """The harness can fail: a target whose collector raises is reported as a crash."""
    code = (
        f"import sys, runpy\nsys.path.insert(0, {str(ROOT)!r})\n"
        "sys.argv = ['fuzz_parsers.py', 'compose', '-atheris_runs=20']\n"
        "import mlscan.collectors.mlflow.collector as m\n"
        "def boom(self, ws, ctx): raise ValueError('planted crash')\n"
        "m.MlflowCollector.collect = boom\n"
        f"runpy.run_path({str(ROOT / 'fuzz' / 'fuzz_parsers.py')!r}, run_name='__main__')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode != 0
    assert "planted crash" in proc.stdout + proc.stderr
