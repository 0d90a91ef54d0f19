terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

variable "access_log_bucket" {
  description = "Central S3 access-log bucket (log-archive account)"
  type        = string
  default     = "acme-log-archive-s3-access"
}

variable "s3_vpc_endpoint_id" {
  description = "Gateway VPC endpoint through which training and serving reach S3"
  type        = string
  default     = "vpce-0a1b2c3d4e5f60789"
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "ml_data" {
  description         = "ML data and model buckets"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministration"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# DVC remote: raw and prepared reviews
resource "aws_s3_bucket" "reviews_data" {
  bucket              = "acme-reviews-dvc"
  object_lock_enabled = true
}

resource "aws_s3_bucket_versioning" "reviews_data" {
  bucket = aws_s3_bucket.reviews_data.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reviews_data" {
  bucket = aws_s3_bucket.reviews_data.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml_data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "reviews_data" {
  bucket                  = aws_s3_bucket.reviews_data.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "reviews_data" {
  bucket        = aws_s3_bucket.reviews_data.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/acme-reviews-dvc/"
}

resource "aws_s3_bucket_lifecycle_configuration" "reviews_data" {
  bucket = aws_s3_bucket.reviews_data.id

  rule {
    id     = "expire-raw-exports"
    status = "Enabled"
    filter {
      prefix = "raw-exports/"
    }
    expiration {
      days = 90
    }
  }

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 365
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "reviews_data" {
  bucket = aws_s3_bucket.reviews_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.reviews_data.arn, "${aws_s3_bucket.reviews_data.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutsideVpcEndpoint"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource  = "${aws_s3_bucket.reviews_data.arn}/*"
        Condition = { StringNotEquals = { "aws:SourceVpce" = var.s3_vpc_endpoint_id } }
      }
    ]
  })
}

# MLflow artifact store: trained models
resource "aws_s3_bucket" "models" {
  bucket              = "acme-reviews-models"
  object_lock_enabled = true
}

resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "models" {
  bucket = aws_s3_bucket.models.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml_data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "models" {
  bucket                  = aws_s3_bucket.models.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "models" {
  bucket        = aws_s3_bucket.models.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/acme-reviews-models/"
}

resource "aws_s3_bucket_object_lock_configuration" "models" {
  bucket = aws_s3_bucket.models.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 365
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    id     = "noncurrent-versions"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days = 365
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "models" {
  bucket = aws_s3_bucket.models.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.models.arn, "${aws_s3_bucket.models.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutsideVpcEndpoint"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource  = "${aws_s3_bucket.models.arn}/*"
        Condition = { StringNotEquals = { "aws:SourceVpce" = var.s3_vpc_endpoint_id } }
      }
    ]
  })
}
