"""Bucket settings in their less common spellings: CloudFormation properties, GCS buckets,
separate ACL resources, and a single-object Statement (real checkov parse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlscan.scan import FactsResult, collect_facts

CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Registry:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: acme-registry
      AccessControl: PublicRead
      ObjectLockEnabled: true
      VersioningConfiguration:
        Status: Enabled
      LoggingConfiguration:
        DestinationBucketName: acme-logs
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: alias/registry
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: false
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
      Tags:
        - Key: team
          Value: ml-platform
  RegistryPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Registry
      PolicyDocument:
        Statement:
          Effect: Deny
          Principal: "*"
          Action: "s3:*"
          Resource: !Sub "arn:aws:s3:::${Registry}/*"
          Condition:
            Bool:
              aws:SecureTransport: "false"
"""

TF = """\
resource "google_storage_bucket" "features" {
  name     = "acme-features"
  location = "EU"
  versioning {
    enabled = true
  }
  logging {
    log_bucket = "acme-logs"
  }
  encryption {
    default_kms_key_name = "projects/p/locations/eu/keyRings/r/cryptoKeys/k"
  }
  retention_policy {
    retention_period = 86400
    is_locked        = true
  }
}

resource "aws_s3_bucket" "scratch" {
  bucket_prefix = "scratch-"
}

resource "aws_s3_bucket_acl" "scratch" {
  bucket = aws_s3_bucket.scratch.id
  acl    = "public-read-write"
}

resource "aws_ecr_repository" "serving" {
  name = "model-server"
}
"""


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> FactsResult:
    root: Path = tmp_path_factory.mktemp("iac-resources")
    (root / "stack.yaml").write_text(CFN)
    (root / "main.tf").write_text(TF)
    return collect_facts((str(root),))


def _bucket(facts: FactsResult, address: str) -> dict[str, object]:
    return next(b for b in facts.facts["iac"]["buckets"] if b["address"] == address)


def test_cloudformation_bucket_properties(facts: FactsResult) -> None:
    b = _bucket(facts, "AWS::S3::Bucket.Registry")
    assert {k: b[k] for k in ("name", "acl", "object_lock", "versioning", "logging",
                              "sse_algorithm", "kms_key_set", "tags")} == {
        "name": "acme-registry", "acl": "public-read", "object_lock": True,
        "versioning": "Enabled", "logging": True, "sse_algorithm": "aws:kms",
        "kms_key_set": True, "tags": {"team": "ml-platform"},
    }
    assert b["public_access_block"] == {
        "block_public_acls": True, "block_public_policy": False, "ignore_public_acls": True,
        "restrict_public_buckets": True,
    }
    assert b["loc"]["line"] == 3


def test_single_statement_object_and_intrinsics(facts: FactsResult) -> None:
    (st,) = facts.facts["bucket_policies"]["statements"]
    assert (st["effect"], st["secure_transport"], st["bucket"], st["loc"]["line"],
            st["block_loc"]["line"]) == ("Deny", "false", "acme-registry", 32, 26)
    assert st["resources"] == ['{"Fn::Sub":"arn:aws:s3:::${Registry}/*"}']


def test_gcs_bucket(facts: FactsResult) -> None:
    b = _bucket(facts, "google_storage_bucket.features")
    assert {k: b[k] for k in ("name", "provider", "versioning_enabled", "logging",
                              "kms_key_set", "object_lock")} == {
        "name": "acme-features", "provider": "gcp", "versioning_enabled": True,
        "logging": True, "kms_key_set": True, "object_lock": True,
    }


def test_separate_acl_and_unnamed_bucket(facts: FactsResult) -> None:
    b = _bucket(facts, "aws_s3_bucket.scratch")
    assert (b["name"], b["acl"]) == (None, "public-read-write")
    assert [s["resource"] for s in b["settings"]] == ["aws_s3_bucket_acl"]


def test_ecr_repository_defaults(facts: FactsResult) -> None:
    (repo,) = facts.facts["iac"]["ecr_repositories"]
    assert (repo["tag_mutability"], repo["scan_on_push"], repo["loc"]["line"]) == (
        "MUTABLE", False, 28)
