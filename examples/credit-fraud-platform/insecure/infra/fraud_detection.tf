resource "aws_s3_bucket" "inference_capture" {
  bucket = "acme-risk-inference-capture"
}

resource "aws_sagemaker_model" "fraud" {
  name               = "fraud-detection"
  execution_role_arn = aws_iam_role.sagemaker.arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-central-1.amazonaws.com/pytorch-inference:2.1-cpu-py310"
    model_data_url = "s3://${aws_s3_bucket.models.bucket}/fraud/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "fraud_inference.py"
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "fraud" {
  name = "fraud-detection"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.fraud.name
    initial_instance_count = 2
    instance_type          = "ml.c5.xlarge"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://${aws_s3_bucket.inference_capture.bucket}/fraud"

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }
}

resource "aws_sagemaker_endpoint" "fraud" {
  name                 = "fraud-detection"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.fraud.name
}
