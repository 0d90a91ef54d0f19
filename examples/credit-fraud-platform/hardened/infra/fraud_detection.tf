# Model-monitor capture of fraud scores (outputs only)
resource "aws_s3_bucket" "inference_capture" {
  bucket              = "acme-risk-inference-capture"
  object_lock_enabled = true
}

resource "aws_s3_bucket_versioning" "inference_capture" {
  bucket = aws_s3_bucket.inference_capture.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "inference_capture" {
  bucket = aws_s3_bucket.inference_capture.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml_data.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "inference_capture" {
  bucket                  = aws_s3_bucket.inference_capture.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_logging" "inference_capture" {
  bucket        = aws_s3_bucket.inference_capture.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/acme-risk-inference-capture/"
}

resource "aws_s3_bucket_lifecycle_configuration" "inference_capture" {
  bucket = aws_s3_bucket.inference_capture.id

  rule {
    id     = "expire-raw-exports"
    status = "Enabled"
    filter {
      prefix = "fraud/"
    }
    expiration {
      days = 30
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

resource "aws_s3_bucket_policy" "inference_capture" {
  bucket = aws_s3_bucket.inference_capture.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.inference_capture.arn, "${aws_s3_bucket.inference_capture.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutsideVpcEndpoint"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
        Resource  = "${aws_s3_bucket.inference_capture.arn}/*"
        Condition = { StringNotEquals = { "aws:SourceVpce" = var.s3_vpc_endpoint_id } }
      }
    ]
  })
}

resource "aws_sagemaker_model" "fraud" {
  name               = "fraud-detection"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-inference@sha256:7f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/fraud/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "fraud_inference.py"
    }
  }

  vpc_config {
    subnets            = var.private_subnet_ids
    security_group_ids = [var.endpoint_security_group_id]
  }

  enable_network_isolation = true
}

resource "aws_sagemaker_endpoint_configuration" "fraud" {
  name        = "fraud-detection"
  kms_key_arn = aws_kms_key.ml_data.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    initial_instance_count = 2
    instance_type          = "ml.c5.xlarge"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://${aws_s3_bucket.inference_capture.bucket}/fraud"
    kms_key_id                  = aws_kms_key.ml_data.arn

    capture_options {
      capture_mode = "Output"
    }
  }
}

resource "aws_sagemaker_endpoint" "fraud" {
  name                 = "fraud-detection"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.fraud.name
}
