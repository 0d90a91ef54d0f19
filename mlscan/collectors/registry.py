"""The explicit collector registry. Importing a collector module must stay cheap: heavy
libraries (checkov, dvc, sigstore, ...) are imported inside ``collect`` and only when
their files are present."""

from __future__ import annotations

from mlscan.collectors.artifacts.collector import ArtifactsCollector
from mlscan.collectors.base import Collector
from mlscan.collectors.datasets.collector import DatasetsCollector
from mlscan.collectors.dvc.collector import DvcCollector
from mlscan.collectors.iac.collector import IacCollector
from mlscan.collectors.mlflow.collector import MlflowCollector
from mlscan.collectors.mlflow.registry import MlflowRegistryCollector
from mlscan.collectors.model_refs.collector import ModelRefsCollector
from mlscan.collectors.privacy.collector import PrivacyCollector
from mlscan.collectors.robustness.collector import RobustnessCollector
from mlscan.collectors.secrets.collector import SecretsCollector
from mlscan.collectors.serving.code import ServingCodeCollector
from mlscan.collectors.serving.endpoints import ServingEndpointsCollector
from mlscan.collectors.signatures.collector import SignaturesCollector
from mlscan.collectors.storage_refs.collector import StorageRefsCollector
from mlscan.collectors.supply_chain.collector import SupplyChainCollector
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
    ServingEndpointsCollector(),  # after IacCollector: both feed the serving family
    DatasetsCollector(),
    PrivacyCollector(),
    RobustnessCollector(),
    StorageRefsCollector(),
    ModelRefsCollector(),
    SecretsCollector(),
    SupplyChainCollector(),
)
