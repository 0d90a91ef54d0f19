data "aws_iam_policy_document" "training" {
  statement {
    sid       = "ReadTrainingData"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.reviews_data.arn, "${aws_s3_bucket.reviews_data.arn}/*"]
  }

  statement {
    sid       = "WriteModelArtifacts"
    effect    = "Allow"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.models.arn}/mlflow/*"]
  }

  statement {
    sid       = "UseDataKey"
    effect    = "Allow"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.ml_data.arn]
  }
}

resource "aws_iam_role" "training" {
  name = "sentiment-training"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "training" {
  name   = "sentiment-training"
  role   = aws_iam_role.training.id
  policy = data.aws_iam_policy_document.training.json
}
