"""The bounded worker checkov runs in: a hang, a memory blow-up, a crash or an exception
in the child becomes a failure the parent can report; the scan process survives."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from mlscan.collectors.iac.checkov_run import run_checkov
from mlscan.collectors.iac.checkov_worker import can_fork, run_bounded

pytestmark = pytest.mark.skipif(not can_fork(), reason="needs os.fork (POSIX)")


def test_result_comes_back() -> None:
    out = run_bounded(lambda: {"a": [1, 2]}, timeout=30, max_memory=256 * 1024 * 1024)
    assert out.failure is None and out.value == {"a": [1, 2]}


def test_hang_is_killed_at_the_deadline() -> None:
    out = run_bounded(lambda: time.sleep(600), timeout=0.5, max_memory=0)
    assert out.failure is not None and out.failure.kind == "timeout"


def test_memory_blow_up_is_bounded() -> None:
    def hog() -> int:
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GiB
        return len(blocks)

    out = run_bounded(hog, timeout=60, max_memory=128 * 1024 * 1024)
    assert out.failure is not None and out.failure.kind == "memory"


def test_crash_and_exception_are_failures() -> None:
    # what the kernel's out-of-memory killer or a segfault looks like from the parent
    crashed = run_bounded(lambda: os.kill(os.getpid(), signal.SIGKILL), timeout=30,
                          max_memory=0)
    assert crashed.failure is not None and crashed.failure.kind == "crash"
    assert "SIGKILL" in crashed.failure.message

    def boom() -> None:
        raise ValueError("bad template")

    failed = run_bounded(boom, timeout=30, max_memory=0)
    assert failed.failure is not None
    assert (failed.failure.kind, failed.failure.message) == ("error", "ValueError: bad template")


GOOD = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Data:\n"
    "    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: acme-training-data\n"
)


def _deep_template(levels: int) -> str:
    body = "x"
    for i in range(levels):
        body = f"{{k{i}: [{body}]}}"
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
        f"    Properties:\n      Tags:\n        - Key: a\n          Value: {body}\n"
    )


def test_a_template_that_crashes_checkov_costs_only_itself(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    (tmp_path / "deep.yaml").write_text(_deep_template(150))
    files = [(name, str(tmp_path / name)) for name in ("deep.yaml", "good.yaml")]
    run = run_checkov({"cloudformation": files}, checks=lambda: ["CKV_AWS_21"])
    assert set(run.file_errors) == {"deep.yaml"}
    assert "RecursionError" in run.file_errors["deep.yaml"]
    assert {r.path for r in run.results} == {"good.yaml"}
    assert ("CKV_AWS_21", "good.yaml", "failed") in {
        (r.check_id, r.path, r.result) for r in run.results
    }
    assert run.errors == ()


def test_a_hanging_checkov_run_is_a_file_error(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    run = run_checkov({"cloudformation": [("good.yaml", str(tmp_path / "good.yaml"))]},
                      checks=lambda: ["CKV_AWS_21"],
                      timeout=0.001)
    assert set(run.file_errors) == {"good.yaml"}
    assert "limits.checkov_timeout" in run.file_errors["good.yaml"]
    assert run.results == ()
