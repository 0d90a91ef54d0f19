"""Model supply chain: loader calls in Python and notebooks, serving manifests, SageMaker
HF env, pip git requirements; MLS-SUP-001..004 at exact lines, pinned variants silent."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from mlscan.collectors.base import CollectContext
from mlscan.collectors.supply_chain.collector import SupplyChainCollector
from mlscan.config import Config
from mlscan.models import ScanResult
from mlscan.scan import ScanOptions, run
from mlscan.workspace import Workspace

SHA = "4f2c1a9e0b7d3c5e6f8a9b0c1d2e3f4a5b6c7d8e"

LOADERS = textwrap.dedent(f"""\
    import open_clip
    import timm
    import torch
    from datasets import load_dataset
    from huggingface_hub import hf_hub_download, snapshot_download
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer, pipeline

    SHA = "{SHA}"
    BASE = "acme/base-model"

    m1 = AutoModel.from_pretrained("acme/base-model")
    m2 = AutoModel.from_pretrained("acme/base-model", revision=SHA)
    t1 = AutoTokenizer.from_pretrained(BASE, revision="main")
    p1 = pipeline("sentiment-analysis")
    p2 = pipeline("sentiment-analysis", model="acme/sst2", revision=SHA)
    f1 = hf_hub_download("acme/weights", "model.safetensors")
    f2 = hf_hub_download(repo_id="acme/weights", filename="model.safetensors", revision=SHA)
    s1 = snapshot_download("acme/weights")
    d1 = load_dataset("acme/reviews")
    d2 = load_dataset("csv", data_files="data/train.csv")
    d3 = load_dataset("acme/reviews", revision=SHA)
    e1 = SentenceTransformer("acme/embedder")
    e2 = SentenceTransformer("acme/embedder", revision=SHA)
    v1 = timm.create_model("resnet50", pretrained=True)
    v2 = timm.create_model("resnet50", pretrained=False)
    h1 = torch.hub.load("acme/vision", "resnet18")
    h2 = torch.hub.load("acme/vision:{SHA}", "resnet18")
    c1 = open_clip.create_model_and_transforms("ViT-B-32", pretrained="laion2b_s34b_b79k")
    r1 = AutoModel.from_pretrained("acme/custom", trust_remote_code=True)
    r2 = AutoModel.from_pretrained("acme/custom", trust_remote_code=True, revision=SHA)
    l1 = AutoModel.from_pretrained("./models/local")
    l2 = AutoModel.from_pretrained("models/bert")
    w1 = torch.hub.load_state_dict_from_url("http://models.example.org/resnet.pth")
    w2 = torch.hub.load_state_dict_from_url("https://m.example.org/r-1a2b.pth", check_hash=True)
    sm = {{"HF_MODEL_ID": "acme/llm", "HF_TASK": "text-generation"}}
    sm2 = {{"HF_MODEL_ID": "acme/llm", "HF_MODEL_REVISION": SHA}}
""")

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Explore\n"]},
        {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
         "source": ["!pip install transformers\n", "from transformers import AutoModel\n",
                    "%matplotlib inline\n", "model = AutoModel.from_pretrained('acme/nb-model')"]},
        {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [],
         "source": [f"pinned = AutoModel.from_pretrained('acme/nb-model', revision='{SHA}')"]},
    ],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}

ISVC = f"""\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
spec:
  predictor:
    model:
      modelFormat:
        name: huggingface
      storageUri: hf://acme/llm
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm-pinned
spec:
  predictor:
    model:
      storageUri: hf://acme/llm:{SHA}
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: sklearn-iris
spec:
  predictor:
    sklearn:
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model/model.joblib
---
apiVersion: serving.kserve.io/v1alpha1
kind: LLMInferenceService
metadata:
  name: chat
spec:
  model:
    uri: hf://acme/chat-llm
    name: acme/chat-llm
"""

DOCKERFILE = f"""\
FROM python:3.12-slim@sha256:{"0" * 64}
RUN pip install --no-cache-dir \\
    git+https://github.com/acme/tokenizers-extra.git@main \\
    git+https://github.com/acme/metrics.git@{SHA}
COPY serve.py /app/
"""

TF = """\
resource "aws_sagemaker_model" "llm" {
  name               = "llm"
  execution_role_arn = "arn:aws:iam::123456789012:role/sm"
  primary_container {
    image = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1"
    environment = {
      HF_MODEL_ID = "acme/llm"
      SM_NUM_GPUS = "1"
    }
  }
}

resource "aws_sagemaker_model" "llm_pinned" {
  name               = "llm-pinned"
  execution_role_arn = "arn:aws:iam::123456789012:role/sm"
  primary_container {
    image = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.1"
    environment = {
      HF_MODEL_ID       = "acme/llm"
      HF_MODEL_REVISION = "4f2c1a9e0b7d3c5e6f8a9b0c1d2e3f4a5b6c7d8e"
    }
  }
}
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("supply")
    _write(root, {
        "src/train.py": LOADERS,
        "models/bert/config.json": "{}\n",
        "notebooks/explore.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n",
        "k8s/isvc.yaml": ISVC,
        "serving/Dockerfile": DOCKERFILE,
        "requirements.txt": "numpy==2.0.1\nacme-extra @ git+https://github.com/acme/extra\n",
        "infra/sagemaker.tf": TF,
        "tests/test_loader.py": "from transformers import AutoModel\n"
                                "AutoModel.from_pretrained('acme/in-tests')\n",
    })
    return root


@pytest.fixture(scope="module")
def result(project: Path) -> ScanResult:
    return run(ScanOptions(paths=(str(project),), collectors=(SupplyChainCollector(),)))


def _found(result: ScanResult) -> set[tuple[str, str, int | None]]:
    return {(f.control.id, f.location.path, f.location.start_line) for f in result.findings}


def test_exact_findings(result: ScanResult) -> None:
    assert sorted(_found(result), key=str) == sorted({
        ("MLS-SUP-001", "src/train.py", 12),   # from_pretrained, no revision
        ("MLS-SUP-001", "src/train.py", 14),   # revision="main"
        ("MLS-SUP-001", "src/train.py", 15),   # pipeline() without model=
        ("MLS-SUP-001", "src/train.py", 17),   # hf_hub_download
        ("MLS-SUP-001", "src/train.py", 19),   # snapshot_download
        ("MLS-SUP-001", "src/train.py", 20),   # load_dataset
        ("MLS-SUP-001", "src/train.py", 23),   # SentenceTransformer
        ("MLS-SUP-001", "src/train.py", 25),   # timm pretrained=True
        ("MLS-SUP-001", "src/train.py", 27),   # torch.hub.load by branch
        ("MLS-SUP-002", "src/train.py", 27),   # torch.hub.load runs hubconf.py
        ("MLS-SUP-002", "src/train.py", 28),   # pinned torch.hub.load still runs code
        ("MLS-SUP-001", "src/train.py", 29),   # open_clip pretrained tag
        ("MLS-SUP-001", "src/train.py", 30),   # trust_remote_code, unpinned
        ("MLS-SUP-002", "src/train.py", 30),
        ("MLS-SUP-002", "src/train.py", 31),   # trust_remote_code, pinned (medium)
        ("MLS-SUP-003", "src/train.py", 34),   # http:// weights
        ("MLS-SUP-001", "src/train.py", 36),   # HF_MODEL_ID without revision
        ("MLS-SUP-001", "notebooks/explore.ipynb", 19),
        ("MLS-SUP-001", "k8s/isvc.yaml", 10),  # hf:// without revision
        ("MLS-SUP-003", "k8s/isvc.yaml", 28),  # public example bucket, pickle format
        ("MLS-SUP-001", "k8s/isvc.yaml", 36),  # LLMInferenceService model.uri
        ("MLS-SUP-002", "serving/Dockerfile", 3),
        ("MLS-SUP-002", "requirements.txt", 2),
        ("MLS-SUP-001", "infra/sagemaker.tf", 7),
    }, key=str)


def test_messages_and_severities(result: ScanResult) -> None:
    by = {(f.control.id, f.location.path, f.location.start_line): f for f in result.findings}
    assert by[("MLS-SUP-001", "src/train.py", 12)].message == (
        "transformers.AutoModel.from_pretrained pulls 'acme/base-model' from the Hugging Face "
        "Hub with no revision"
    )
    assert by[("MLS-SUP-001", "src/train.py", 14)].message.endswith(
        "with revision 'main' (a branch or tag, not a commit)")
    assert by[("MLS-SUP-002", "src/train.py", 30)].severity == "high"
    assert by[("MLS-SUP-002", "src/train.py", 31)].severity == "medium"
    third = by[("MLS-SUP-003", "k8s/isvc.yaml", 28)]
    assert third.message == (
        "InferenceService 'sklearn-iris' loads a model (pickle format) from "
        "gs://kfserving-examples/models/sklearn/1.0/model/model.joblib (a public example bucket)"
    )
    assert third.severity == "high"
    assert by[("MLS-SUP-002", "serving/Dockerfile", 3)].message == (
        "serving/Dockerfile installs git+https://github.com/acme/tokenizers-extra.git from git "
        "at 'main' (not a commit): the build runs whatever that branch holds"
    )


def test_notebook_line_maps_to_the_ipynb_file(project: Path) -> None:
    lines = (project / "notebooks/explore.ipynb").read_text(encoding="utf-8").splitlines()
    assert "from_pretrained('acme/nb-model')" in lines[19 - 1]


def test_facts(project: Path) -> None:
    ws = Workspace.discover(project)
    facts = SupplyChainCollector().collect(ws, CollectContext.create(ws, Config())).facts
    nb = [x for x in facts["loads"] if x["loc"]["path"] == "notebooks/explore.ipynb"]
    assert [(x["cell"], x["revision"]) for x in nb] == [
        ({"index": 1, "line": 4}, None), ({"index": 2, "line": 1}, SHA)]
    local = [x for x in facts["loads"] if x["reference"] == "models/bert"]
    assert local[0]["reference_in_workspace"] is True
    assert not [x for x in facts["loads"] if x["loc"]["path"].startswith("tests/")]
    assert [(m["path"], m["downloads"], m["verifies"]) for m in facts["modules"]] == [
        ("notebooks/explore.ipynb", 2, False), ("src/train.py", 18, False)]


def test_dvc_params_reference_is_resolved(tmp_path: Path) -> None:
    _write(tmp_path, {
        "params.yaml": f"featurize:\n  tokenizer: acme/tok\n  tokenizer_revision: {SHA}\n",
        "src/a.py": "import yaml\nfrom transformers import AutoTokenizer\n"
                    "params = yaml.safe_load(open('params.yaml'))['featurize']\n"
                    "t = AutoTokenizer.from_pretrained(params['tokenizer'])\n",
        "src/b.py": "import yaml\nfrom transformers import AutoTokenizer\n"
                    "params = yaml.safe_load(open('params.yaml'))['featurize']\n"
                    "t = AutoTokenizer.from_pretrained(params['tokenizer'],\n"
                    "                                  revision=params['tokenizer_revision'])\n",
    })
    found = run(ScanOptions(paths=(str(tmp_path),), collectors=(SupplyChainCollector(),)))
    assert [(f.control.id, f.location.path, f.location.start_line, f.message)
            for f in found.findings] == [(
        "MLS-SUP-001", "src/a.py", 4,
        "transformers.AutoTokenizer.from_pretrained pulls 'acme/tok' (params.yaml L2) from the "
        "Hugging Face Hub with no revision",
    )]


def test_init_template_names_only_existing_controls(tmp_path: Path) -> None:
    import re

    from mlscan.cli.workflow import profile, render_starter
    from mlscan.controls import load_policy_set

    text = render_starter(profile(tmp_path))
    named = set(re.findall(r"MLS-[A-Z]+-\d{3}", text))
    assert "MLS-SUP-001" in named
    assert named <= set(load_policy_set().by_id)


def test_a_folder_the_code_saves_to_is_local(tmp_path: Path) -> None:
    _write(tmp_path, {
        "train.py": "from transformers import AutoModel, TrainingArguments\n"
                    "args = TrainingArguments(output_dir='fine-tuned')\n"
                    "AutoModel.from_pretrained('acme/base').save_pretrained('merged')\n"
                    "AutoModel.from_pretrained('fine-tuned')\n"
                    "AutoModel.from_pretrained('merged')\n",
    })
    found = run(ScanOptions(paths=(str(tmp_path),), collectors=(SupplyChainCollector(),)))
    assert [(f.control.id, f.location.start_line) for f in found.findings] == [
        ("MLS-SUP-001", 3)]


@pytest.mark.parametrize(("uri", "fmt"), [
    ("https://github.com/acme/m/blob/master/model.joblib?raw=true", "pickle"),
    ("gs://bucket/models/model.pt#v1", "torch"),
    ("s3://bucket/models/sklearn/", None),
    ("hf://acme/llm", None),
])
def test_model_format_ignores_query_and_fragment(uri: str, fmt: str | None) -> None:
    from mlscan.collectors.supply_chain.manifests import model_format

    assert model_format(uri) == fmt


def test_build_time_model_downloads_in_dockerfiles(tmp_path: Path) -> None:
    _write(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\n"
                      "RUN curl -fsSL https://deb.nodesource.com/setup_20.x -o setup.sh\n"
                      "RUN pip install gdown && gdown 1AbCdEfGhIjKlMnOpQrStUvWxYz012 -O model.pkl\n"
                      "RUN wget https://models.acme.io/weights/resnet.pt\n"
                      "RUN wget https://github.com/acme/tool/releases/download/v1/tool.tar.gz\n",
    })
    found = run(ScanOptions(paths=(str(tmp_path),), collectors=(SupplyChainCollector(),)))
    assert [(f.control.id, f.location.start_line, f.severity) for f in found.findings] == [
        ("MLS-SUP-003", 3, "high"), ("MLS-SUP-003", 4, "high")]
