"""The explicit collector registry. Importing a collector module must stay cheap: heavy
libraries (checkov, dvc, sigstore, ...) are imported inside ``collect`` and only when
their files are present."""

from __future__ import annotations

from mlscan.collectors.artifacts import ArtifactsCollector
from mlscan.collectors.base import Collector
from mlscan.collectors.datasets import DatasetsCollector
from mlscan.collectors.dvc import DvcCollector
from mlscan.collectors.iac import (
    AssetsCollector,
    BucketPolicyCollector,
    IacCollector,
    ServingCollector,
)
from mlscan.collectors.mlflow import MlflowCollector
from mlscan.collectors.mlflow_registry import MlflowRegistryCollector
from mlscan.collectors.privacy import PrivacyCollector
from mlscan.collectors.robustness import RobustnessCollector
from mlscan.collectors.serving_code import ServingCodeCollector
from mlscan.collectors.signatures import SignaturesCollector
from mlscan.collectors.workspace_facts import WorkspaceCollector

# One collector per line (keeps merges trivial).
COLLECTORS: tuple[Collector, ...] = (
    WorkspaceCollector(),
    MlflowCollector(),
    MlflowRegistryCollector(),
    SignaturesCollector(),
    DvcCollector(),
    ArtifactsCollector(),
    ServingCodeCollector(),
    IacCollector(),
    BucketPolicyCollector(),
    ServingCollector(),
    AssetsCollector(),
    DatasetsCollector(),
    PrivacyCollector(),
    RobustnessCollector(),
)
