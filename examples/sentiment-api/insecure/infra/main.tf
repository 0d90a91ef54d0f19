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

# DVC remote: raw and prepared reviews
resource "aws_s3_bucket" "reviews_data" {
  bucket = "acme-reviews-dvc"
}

# MLflow artifact store: trained models
resource "aws_s3_bucket" "models" {
  bucket = "acme-reviews-models"
}

resource "aws_s3_bucket_policy" "models_public_read" {
  bucket = aws_s3_bucket.models.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublicReadForServing"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.models.arn}/*"
      }
    ]
  })
}
