terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "eu-central-1"
}

# DVC remote for applicants and transactions
resource "aws_s3_bucket" "training_data" {
  bucket = "acme-risk-training-data"
}

resource "aws_s3_bucket_policy" "training_data" {
  bucket = aws_s3_bucket.training_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "BureauPartnerExchange"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["s3:GetObject", "s3:PutObject"]
        Resource  = "${aws_s3_bucket.training_data.arn}/*"
      }
    ]
  })
}

# SageMaker model artifacts (model.tar.gz) for both endpoints
resource "aws_s3_bucket" "models" {
  bucket = "acme-risk-models"
}

resource "aws_s3_bucket_acl" "models" {
  bucket = aws_s3_bucket.models.id
  acl    = "public-read"
}

data "aws_iam_policy_document" "sagemaker" {
  statement {
    sid       = "Everything"
    effect    = "Allow"
    actions   = ["s3:*", "sagemaker:*", "iam:PassRole"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "sagemaker" {
  name = "risk-sagemaker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "sagemaker" {
  name   = "risk-sagemaker"
  role   = aws_iam_role.sagemaker.id
  policy = data.aws_iam_policy_document.sagemaker.json
}
