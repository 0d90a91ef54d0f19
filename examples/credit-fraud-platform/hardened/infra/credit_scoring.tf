variable "private_subnet_ids" {
  description = "Private subnets for notebooks and endpoints (no NAT to the internet)"
  type        = list(string)
  default     = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
}

variable "endpoint_security_group_id" {
  description = "Security group that only allows the API gateway VPC link"
  type        = string
  default     = "sg-0123456789abcdef0"
}

resource "aws_sagemaker_notebook_instance" "credit_research" {
  name                   = "credit-scoring-research"
  role_arn               = aws_iam_role.sagemaker.arn
  instance_type          = "ml.t3.medium"
  root_access            = "Disabled"
  direct_internet_access = "Disabled"
  kms_key_id             = aws_kms_key.ml_data.arn
  subnet_id              = var.private_subnet_ids[0]
  security_groups        = [var.endpoint_security_group_id]

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}

resource "aws_sagemaker_model" "credit" {
  name               = "credit-scoring"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-central-1.amazonaws.com/sklearn-inference@sha256:4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e5d"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/credit/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "credit_inference.py"
    }
  }

  vpc_config {
    subnets            = var.private_subnet_ids
    security_group_ids = [var.endpoint_security_group_id]
  }

  enable_network_isolation = true
}

resource "aws_sagemaker_endpoint_configuration" "credit" {
  name        = "credit-scoring"
  kms_key_arn = aws_kms_key.ml_data.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.credit.name
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }
}

resource "aws_sagemaker_endpoint" "credit" {
  name                 = "credit-scoring"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.credit.name
}
