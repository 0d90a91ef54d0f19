"""Literal bucket names in Python storage calls (evidence for bucket roles)."""

from __future__ import annotations

import ast

from mlscan.collectors.storage_refs.collector import references

SOURCE = '''\
import boto3
import gcsfs
from google.cloud import storage

s3 = boto3.client("s3")
s3.download_file("acme-models", "fraud/model.pkl", "/tmp/model.pkl")
s3.upload_file("/tmp/x.csv", "acme-training-data", "raw/x.csv")
s3.get_object(Bucket="acme-features", Key="f.parquet")
storage.Client().bucket("acme-gcs-models")
fs = gcsfs.GCSFileSystem()
fs.open("gs://acme-vision-dvc/cache/ab/cdef")
bucket = os.environ["BUCKET"]
s3.download_file(bucket, "k", "/tmp/k")
'''


def test_literal_buckets_with_their_call_and_line() -> None:
    got = [(r["call"], r["url"], r["loc"]["line"])
           for r in references("train.py", ast.parse(SOURCE))]
    assert got == [
        ("s3.download_file", "s3://acme-models/fraud/model.pkl", 6),
        ("s3.upload_file", "s3://acme-training-data/raw/x.csv", 7),
        ("s3.get_object", "s3://acme-features/f.parquet", 8),
        ("storage.Client.bucket", "gs://acme-gcs-models", 9),
        ("fs.open", "gs://acme-vision-dvc/cache/ab/cdef", 11),
    ]
