"""Statement lines inside Terraform blocks (jsonencode, heredoc JSON, policy documents)."""

from __future__ import annotations

from mlscan.collectors.iac.hcl import policy_statement_lines, tokenize

JSONENCODE = """\
resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  # a comment with { braces } and "quotes"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Resource  = "${aws_s3_bucket.b.arn}/*"
      },
      { Effect = "Deny", Principal = "*", Action = "s3:*" }
    ]
  })
}
"""

HEREDOC = """\
resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({
    Statement = [{ Effect = "Allow" }]
  })
  inline_policy {
    policy = <<-EOT
    {
      "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {
          "Effect": "Allow"
        }
      ]
    }
    EOT
  }
  inline_policy {
    policy = <<EOF
{"Statement": {"Effect": "Allow", "Action": "iam:*"}}
EOF
  }
}
"""

DOCUMENT = """\
data "aws_iam_policy_document" "d" {
  statement {
    effect = "Deny"
    condition {
      test = "Bool"
    }
  }

  statement {
    effect = "Allow"
  }
}
"""


def _lines(text: str) -> list[str]:
    return text.split("\n")


def test_jsonencode_statements() -> None:
    assert policy_statement_lines(_lines(JSONENCODE), 1, 15) == [("policy", [7, 12])]


def test_heredoc_groups_per_attribute() -> None:
    assert policy_statement_lines(_lines(HEREDOC), 1, 22) == [
        ("assume_role_policy", [3]),
        ("policy", [9, 10]),
        ("policy", [19]),
    ]


def test_policy_document_blocks() -> None:
    assert policy_statement_lines(_lines(DOCUMENT), 1, 12) == [("", [2, 9])]


def test_only_the_given_range_is_read() -> None:
    text = JSONENCODE + DOCUMENT
    assert policy_statement_lines(_lines(text), 16, 27) == [("", [17, 24])]


def test_tokenizer_keeps_interpolation_inside_strings() -> None:
    toks = tokenize('a = "${x["k"]}/*" # {\nb = c', 1)
    assert [(t.kind, t.value, t.line) for t in toks] == [
        ("ident", "a", 1),
        ("punct", "=", 1),
        ("string", '${x["k"]}/*', 1),
        ("ident", "b", 2),
        ("punct", "=", 2),
        ("ident", "c", 2),
    ]
