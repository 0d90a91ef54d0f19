"""The ML asset graph: storage URLs, DVC remotes, MLflow flags and bucket roles."""

from __future__ import annotations

from typing import Any

import pytest

from mlscan.collectors.assets.links import (
    bucket_assets,
    dvc_remote_links,
    mlflow_flag_links,
    split_storage_url,
)
from mlscan.collectors.dvc.ini import read_dvc_config


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


def test_dvc_remote_links_with_positions_and_no_credentials() -> None:
    text = (
        "[core]\n"
        "    remote = prod\n"
        "['remote \"prod\"']\n"
        "    url = s3://acme-data/dvc\n"
        "    secret_access_key = FAKESECRETVALUE\n"
        "['remote \"mirror\"']\n"
        "    url = https://user:FAKEPW@dvc.example/store\n"
    )
    links = dvc_remote_links(".dvc/config", read_dvc_config(text))
    assert [(lk["name"], lk["url"], lk["bucket"], lk["loc"]["line"]) for lk in links] == [
        ("prod", "s3://acme-data/dvc", "acme-data", 4),
        ("mirror", "https://dvc.example/store", None, 7),
    ]
    assert "FAKE" not in repr(links)


@pytest.mark.parametrize(
    ("text", "kind", "url", "line", "col"),
    [
        ("mlflow server --default-artifact-root s3://acme-reg/a --host 0.0.0.0\n",
         "mlflow-artifact-root", "s3://acme-reg/a", 1, 39),
        ("x\n  command: mlflow server --artifacts-destination=gs://acme-reg/b\n",
         "mlflow-artifacts-destination", "gs://acme-reg/b", 2, 50),
        ('args: ["--default-artifact-root", "s3://acme-reg/c"]\n',
         "mlflow-artifact-root", "s3://acme-reg/c", 1, 36),
        ("- --default-artifact-root\n- 's3://acme-reg/d'\n",
         "mlflow-artifact-root", "s3://acme-reg/d", 2, 4),
    ],
)
def test_mlflow_flag_links(text: str, kind: str, url: str, line: int, col: int) -> None:
    links = mlflow_flag_links("deploy/x", text)
    assert [(lk["kind"], lk["url"], lk["loc"]["line"], lk["loc"]["col"]) for lk in links] == [
        (kind, url, line, col)
    ]


def _bucket(name: str, tags: dict[str, str] | None = None) -> dict[str, Any]:
    return {"name": name, "address": f"aws_s3_bucket.{name}",
            "loc": {"path": "s.tf", "line": 1}, "tags": tags or {}}


def _link(kind: str, name: str, url: str) -> dict[str, Any]:
    return {"kind": kind, "name": name, "url": url, **split_storage_url(url),
            "loc": {"path": "x", "line": 1}}


def test_roles_from_links_then_names_then_tags() -> None:
    buckets = [_bucket("acme-a"), _bucket("acme-b"), _bucket("acme-datasets"),
               _bucket("acme-c", {"purpose": "model registry"}), _bucket("acme-logs")]
    links = [
        _link("dvc-remote", "prod", "s3://acme-a/dvc"),
        _link("mlflow-artifact-root", "default-artifact-root", "s3://acme-b/mlruns"),
        _link("model-uri", "Deployment.ml.s:MODEL_URI", "s3://acme-b/models/x"),
        _link("dvc-remote", "models", "s3://acme-only-linked/dvc"),
    ]
    got = {b["name"]: (b["roles"], b["role_sources"], b["stores_models"], b["description"])
           for b in bucket_assets(buckets, links)}
    assert got == {
        "acme-a": (["training-data"], ["link"], False, "DVC remote 'prod'"),
        "acme-b": (["registry-artifacts", "model-store"], ["link"], True,
                   "MLflow artifact root, serving model URI"),
        "acme-c": (["registry-artifacts"], ["tag"], True, ""),
        "acme-datasets": (["training-data"], ["name"], False, ""),
        "acme-logs": ([], [], False, ""),
        "acme-only-linked": (["model-store"], ["link"], True, "DVC remote 'models'"),
    }
