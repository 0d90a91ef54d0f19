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

# MLflow artifact root and DVC remote
resource "aws_s3_bucket" "mlflow_artifacts" {
  bucket = "acme-mlflow-artifacts"
}

resource "aws_s3_bucket_public_access_block" "mlflow_artifacts" {
  bucket                  = aws_s3_bucket.mlflow_artifacts.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}

resource "aws_s3_bucket_policy" "mlflow_artifacts" {
  bucket = aws_s3_bucket.mlflow_artifacts.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AnyoneCanDownloadModels"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.mlflow_artifacts.arn}/*"
      }
    ]
  })
}

data "aws_iam_policy_document" "mlflow_server" {
  statement {
    sid       = "ArtifactStore"
    effect    = "Allow"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.mlflow_artifacts.arn, "${aws_s3_bucket.mlflow_artifacts.arn}/*"]
  }
}

resource "aws_iam_policy" "mlflow_server" {
  name   = "mlflow-server"
  policy = data.aws_iam_policy_document.mlflow_server.json
}
