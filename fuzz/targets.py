"""Fuzz targets: one per parser mlscan runs on untrusted files.

``run_target(name, data)`` writes ``data`` as the target's file into a scratch workspace
(with the companion files the owning collector needs to look at it) and runs every
registered collector that applies, exactly as a scan would, but *without* the scan's
safety net: any exception escapes, which is what a fuzzer must see. The facts must be
JSON-serialisable. Seeds are real files from ``examples/`` (read, never deserialised).
"""

from __future__ import annotations

import json
import pickle
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlscan.collectors.base import CollectContext
from mlscan.config import Config
from mlscan.hashing import DigestService
from mlscan.models import Notification
from mlscan.workspace import Workspace, WorkspaceOptions

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SAFETENSORS = b"\x02\x00\x00\x00\x00\x00\x00\x00{}"


def _seed(*candidates: str, fallback: bytes = b"") -> bytes:
    for rel in candidates:
        path = EXAMPLES / rel
        if path.is_file():
            return path.read_bytes()
    return fallback


def _pickle_seed() -> bytes:
    # A benign pickle built here; example pickles are read as bytes too, never loaded.
    return pickle.dumps({"weights": [0.1, 0.2], "classes": ("a", "b"), "n": 3}, protocol=4)


@dataclass(frozen=True, kw_only=True)
class Target:
    name: str
    path: str  # where the fuzzed bytes go in the scratch workspace
    seeds: tuple[bytes, ...]
    owner: str  # collector family that parses it
    text: bool = True  # a text format (YAML/JSON/INI/HCL)
    companions: dict[str, bytes] = field(default_factory=dict)
    # when True for the text, a parse failure must become a notification for ``path``
    must_notify: Callable[[str], bool] | None = None


def _mentions_mlflow(text: str) -> bool:
    return "mlflow" in text.lower()


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target(
            name="dvc-config",
            path=".dvc/config",
            owner="dvc",
            seeds=(
                _seed("registry-hardening/insecure/.dvc/config"),
                b"[core]\n    remote = s\n['remote \"s\"']\n    url = s3://b/p\n"
                b"    secret_access_key = x\n",
            ),
        ),
        Target(
            name="dvc-yaml",
            path="dvc.yaml",
            owner="dvc",
            seeds=(_seed("registry-hardening/insecure/dvc.yaml"),),
            companions={".dvc/config": b"[core]\n"},
            must_notify=lambda text: True,
        ),
        Target(
            name="dvc-lock",
            path="dvc.lock",
            owner="dvc",
            seeds=(_seed("registry-hardening/insecure/dvc.lock"),),
            companions={".dvc/config": b"[core]\n", "dvc.yaml": b"stages: {}\n"},
        ),
        Target(
            name="dvc-file",
            path="data/train.csv.dvc",
            owner="dvc",
            seeds=(
                _seed("registry-hardening/insecure/data/churn.csv.dvc"),
                b"outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 3\n  path: train.csv\n",
            ),
            companions={".dvc/config": b"[core]\n", "data/train.csv": b"a,b\n"},
            must_notify=lambda text: True,
        ),
        Target(
            name="mlmodel",
            path="models/clf/MLmodel",
            owner="artifacts",
            seeds=(_seed("registry-hardening/insecure/models/churn-classifier/MLmodel"),),
            companions={"models/clf/model.pkl": _pickle_seed()},
        ),
        Target(
            name="compose",
            path="deploy/docker-compose.yml",
            owner="mlflow",
            seeds=(_seed("registry-hardening/insecure/deploy/docker-compose.yml"),),
            must_notify=_mentions_mlflow,
        ),
        Target(
            name="kubernetes",
            path="k8s/mlflow.yaml",
            owner="mlflow",
            seeds=(
                _seed("registry-hardening/insecure/k8s/mlflow.yaml"),
                _seed("sentiment-api/insecure/k8s/serving.yaml"),
            ),
            must_notify=_mentions_mlflow,
        ),
        Target(
            name="basic-auth-ini",
            path="deploy/basic_auth.ini",
            owner="mlflow",
            seeds=(_seed("registry-hardening/insecure/deploy/basic_auth.ini"),),
        ),
        Target(
            name="policy-json",
            path="policies/models-bucket.json",
            owner="iac",
            seeds=(
                _seed("registry-hardening/insecure/policies/mlflow-artifacts-bucket.json"),
                _seed("sentiment-api/hardened/policies/training-data-bucket.json"),
            ),
        ),
        Target(
            name="hcl",
            path="infra/main.tf",
            owner="iac",
            seeds=(_seed("registry-hardening/insecure/infra/artifacts.tf"),),
        ),
        Target(
            name="sigstore-bundle",
            path="models/model.safetensors.sig",
            owner="signatures",
            seeds=(
                _seed("registry-hardening/hardened/models/model.safetensors.sig"),
                _seed("registry-hardening/hardened/models/churn-classifier.sig"),
            ),
            companions={"models/model.safetensors": SAFETENSORS},
        ),
        Target(
            name="pickle",
            path="models/model.pkl",
            owner="artifacts",
            text=False,
            seeds=(
                _pickle_seed(),
                _seed("sentiment-api/insecure/models/sentiment/model.pkl"),
            ),
        ),
    )
}


class Scratch:
    """One scratch workspace reused across runs (fuzzers call thousands of times): the
    companion files are written once per target, the fuzzed file on every run."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mlscan-fuzz-"))
        self._target: str | None = None

    def prepare(self, target: Target) -> Path:
        root = self.dir / "ws"
        if self._target != target.name:
            if root.exists():
                shutil.rmtree(root)
            root.mkdir()
            for rel, content in target.companions.items():
                dest = root / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(content)
            (root / target.path).parent.mkdir(parents=True, exist_ok=True)
            self._target = target.name
        return root

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


_SCRATCH: Scratch | None = None


def run_target(
    name: str, data: bytes, scratch: Scratch | None = None
) -> tuple[dict[str, Any], list[Notification]]:
    """Run every applicable collector on ``data`` placed at the target's path."""
    global _SCRATCH
    target = TARGETS[name]
    if scratch is None:
        if _SCRATCH is None:
            _SCRATCH = Scratch()
        scratch = _SCRATCH
    root = scratch.prepare(target)
    (root / target.path).write_bytes(data)
    from mlscan.collectors.registry import COLLECTORS
    from mlscan.scan import ScanPolicies

    ws = Workspace.discover(root, WorkspaceOptions(honour_gitignore=False))
    ctx = CollectContext.create(
        ws, config=Config(), digests=DigestService(ws),
        checkov_checks=_builtin_policies(ScanPolicies).checkov_checks,
    )
    facts: dict[str, Any] = {}
    notes: list[Notification] = list(ws.notifications)
    for collector in COLLECTORS:
        if getattr(collector, "option", None) or not collector.applies(ws):
            continue
        out = collector.collect(ws, ctx)
        facts[collector.family] = out.facts
        notes.extend(out.notifications)
    notes.extend(ctx.parsed.notifications)  # rejected files: the scan reports these too
    json.dumps(facts, sort_keys=True)  # facts are JSON data, whatever the input
    return facts, notes


_POLICIES: Any = None


def _builtin_policies(cls: Any) -> Any:
    """The built-in policy set, compiled once per fuzzing process (the checkov checks)."""
    global _POLICIES
    if _POLICIES is None:
        _POLICIES = cls(())
    return _POLICIES


def registered_families() -> frozenset[str]:
    from mlscan.collectors.registry import COLLECTORS

    return frozenset(c.family for c in COLLECTORS)
