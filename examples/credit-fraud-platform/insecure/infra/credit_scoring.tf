resource "aws_sagemaker_notebook_instance" "credit_research" {
  name          = "credit-scoring-research"
  role_arn      = aws_iam_role.sagemaker.arn
  instance_type = "ml.t3.medium"
  root_access   = "Enabled"
}

resource "aws_sagemaker_model" "credit" {
  name               = "credit-scoring"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-central-1.amazonaws.com/sklearn-inference:1.2-1"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/credit/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "credit_inference.py"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "credit" {
  name = "credit-scoring"

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
