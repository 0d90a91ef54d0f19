"""The ML asset graph built in the link stage from other families' facts."""

from __future__ import annotations

from typing import Any

import pytest

from mlscan.collectors.assets.graph import (
    asset_graph,
    bucket_assets,
    dvc_links,
    mlflow_links,
    split_storage_url,
)


@pytest.mark.parametrize(
    ("url", "provider", "bucket", "prefix"),
    [
        ("s3://acme-models/prod/v1", "aws", "acme-models", "prod/v1"),
        ("s3://acme-models", "aws", "acme-models", None),
        ("gs://acme-data/raw", "gcp", "acme-data", "raw"),
        ("wasbs://models@acmeml.blob.core.windows.net/x", "azure", "models", "x"),
        ("http://mlflow:5000", None, None, None),
        ("file:///tmp/mlruns", None, None, None),
    ],
)
def test_split_storage_url(url: str, provider: str | None, bucket: str | None,
                           prefix: str | None) -> None:
    parts = split_storage_url(url)
    assert (parts["provider"], parts["bucket"], parts["prefix"]) == (provider, bucket, prefix)


def test_dvc_links_come_from_the_dvc_facts() -> None:
    remotes = [
        {"name": "prod", "url": "s3://acme-data/dvc", "config": ".dvc/config",
         "url_loc": {"path": ".dvc/config", "line": 4}, "loc": {"path": ".dvc/config", "line": 3}},
        {"name": "mirror", "url": "https://user:***@dvc.example/store", "config": ".dvc/config",
         "url_loc": None, "loc": {"path": ".dvc/config", "line": 6}},
        {"name": "empty", "url": None, "config": ".dvc/config", "url_loc": None,
         "loc": {"path": ".dvc/config", "line": 9}},
    ]
    links = dvc_links(remotes)
    assert [(lk["name"], lk["bucket"], lk["loc"]["line"]) for lk in links] == [
        ("prod", "acme-data", 4),
        ("mirror", None, 6),
    ]


def test_mlflow_links_come_from_the_server_facts() -> None:
    servers = [{"path": "compose.yaml", "loc": {"path": "compose.yaml", "line": 7},
                "default_artifact_root": "s3://acme-reg/a", "artifacts_destination": None},
               {"path": "run.sh", "loc": {"path": "run.sh", "line": 2},
                "default_artifact_root": None, "artifacts_destination": "gs://acme-reg/b"}]
    assert [(lk["kind"], lk["bucket"], lk["loc"]["line"]) for lk in mlflow_links(servers)] == [
        ("mlflow-artifact-root", "acme-reg", 7),
        ("mlflow-artifacts-destination", "acme-reg", 2),
    ]


def _bucket(name: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": name, "address": f"aws_s3_bucket.{name}",
            "loc": {"path": "s.tf", "line": 1}, "tags": tags or {}}


def _link(kind: str, name: str, url: str) -> dict[str, Any]:
    return {"kind": kind, "name": name, "url": url, **split_storage_url(url),
            "loc": {"path": "x", "line": 1}}


def test_roles_here_come_from_use_only() -> None:
    """Names and tags are weak evidence weighed in Rego (rego/lib/ml_assets.rego)."""
    buckets = [_bucket("acme-a"), _bucket("acme-b"), _bucket("acme-datasets"),
               _bucket("acme-c", {"purpose": "model registry"})]
    links = [
        _link("dvc-remote", "prod", "s3://acme-a/dvc"),
        _link("mlflow-artifact-root", "default-artifact-root", "s3://acme-b/mlruns"),
        _link("model-uri", "Deployment.ml.s:MODEL_URI", "s3://acme-b/models/x"),
    ]
    backends = [{"type": "s3", "bucket": "acme-c", "address": "terraform.backend.s3",
                 "loc": {"path": "b.tf", "line": 3}}]
    got = {b["name"]: (b["roles"], b["stores_models"], b["state_backend"], b["description"])
           for b in bucket_assets(buckets, links, backends)}
    assert got == {
        "acme-a": (["training-data"], False, False, "DVC remote 'prod'"),
        "acme-b": (["registry-artifacts", "model-store"], True, False,
                   "MLflow artifact root, serving model URI"),
        "acme-c": ([], False, True, ""),
        "acme-datasets": ([], False, False, ""),
    }


def test_asset_graph_reads_every_family() -> None:
    facts = {
        "dvc": {"remotes": [{"name": "prod", "url": "gs://acme-dvc/x", "config": ".dvc/config",
                             "url_loc": {"path": ".dvc/config", "line": 3},
                             "loc": {"path": ".dvc/config", "line": 2}}]},
        "iac": {"buckets": [{"name": "acme-dvc", "address": "google_storage_bucket.store",
                             "loc": {"path": "infra/gcs.tf", "line": 1}, "tags": {}}],
                "sagemaker_models": [], "sagemaker_endpoint_configs": [], "backends": []},
        "storage_refs": {"references": [{"call": "boto3.client.download_file",
                                         "url": "s3://acme-weights/model.pt",
                                         "loc": {"path": "serve.py", "line": 9}}]},
    }
    assets = asset_graph(facts)["assets"]
    assert [(b["name"], [lk["kind"] for lk in b["links"]]) for b in assets["buckets"]] == [
        ("acme-dvc", ["dvc-remote"]),
        ("acme-weights", ["code-reference"]),
    ]
