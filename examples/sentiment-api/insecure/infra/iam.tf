data "aws_iam_policy_document" "training" {
  statement {
    sid       = "TrainingJobs"
    effect    = "Allow"
    actions   = ["s3:*"]
    resources = ["*"]
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
