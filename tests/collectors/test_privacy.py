"""Privacy collector: payload logging, data capture, request loggers, retention, MLmodels."""

from __future__ import annotations

from pathlib import Path

from mlscan.collectors.privacy.serving import analyse
from mlscan.scan import ScanOptions, run

APP = """from fastapi import FastAPI, Request
import logging
log = logging.getLogger("x")
app = FastAPI()


@app.post("/p")
async def predict(request: Request):
    body = await request.json()
    log.info("got %d rows", len(body["rows"]))
    log.info("payload %s", body)
    print(f"rows: {body['rows']}")
    return {}
"""


def test_payload_logging_is_precise() -> None:
    module = analyse("serving/app.py", APP)
    assert module is not None
    (h,) = module.handlers
    assert [(p["sink"], p["line"]) for p in h.payload_logging] == [("log.info", 11), ("print", 12)]
    assert h.validation == []


def _scan(root: Path) -> set[tuple[str, str, int | None]]:
    result = run(ScanOptions(paths=(str(root),)))
    return {
        (f.control.id, f.location.path, f.location.start_line)
        for f in result.findings
        if f.control.id in ("MLS-PRV-002", "MLS-PRV-003", "MLS-PRV-005")
    }


def test_capture_loggers_retention_and_protected_attributes(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(
        'resource "aws_s3_bucket" "capture" {\n  bucket = "cap"\n}\n\n'
        'resource "aws_sagemaker_endpoint_configuration" "c" {\n  name = "c"\n'
        "  data_capture_config {\n    enable_capture = true\n"
        '    destination_s3_uri = "s3://${aws_s3_bucket.capture.bucket}/c"\n'
        '    capture_options {\n      capture_mode = "Input"\n    }\n  }\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "isvc.yaml").write_text(
        "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n"
        "  name: credit\nspec:\n  predictor:\n    logger:\n      mode: all\n"
        "      url: http://sink\n",
        encoding="utf-8",
    )
    (tmp_path / "models" / "credit").mkdir(parents=True)
    (tmp_path / "models" / "credit" / "MLmodel").write_text(
        "flavors: {}\nsignature:\n"
        '  inputs: \'[{"type": "double", "name": "income"},\n'
        '    {"type": "long", "name": "applicant_age"}]\'\n',
        encoding="utf-8",
    )
    assert _scan(tmp_path) == {
        ("MLS-PRV-002", "infra/main.tf", 5),
        ("MLS-PRV-002", "k8s/isvc.yaml", 7),
        ("MLS-PRV-003", "infra/main.tf", 1),
        ("MLS-PRV-005", "models/credit/MLmodel", 3),
    }


def test_hardened_capture_is_silent(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_s3_bucket" "capture" {\n  bucket = "cap"\n}\n'
        'resource "aws_s3_bucket_lifecycle_configuration" "capture" {\n'
        "  bucket = aws_s3_bucket.capture.id\n"
        '  rule {\n    id = "x"\n    status = "Enabled"\n'
        "    expiration {\n      days = 30\n    }\n  }\n}\n"
        'resource "aws_sagemaker_endpoint_configuration" "c" {\n'
        '  data_capture_config {\n    enable_capture = true\n    kms_key_id = "k"\n'
        '    destination_s3_uri = "s3://${aws_s3_bucket.capture.bucket}/c"\n'
        '    capture_options {\n      capture_mode = "Output"\n    }\n  }\n}\n',
        encoding="utf-8",
    )
    assert _scan(tmp_path) == set()


def test_mlserver_kafka_forwarding(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.11\nENV MLSERVER_KAFKA_ENABLED=true\n", encoding="utf-8"
    )
    (tmp_path / "deploy.yaml").write_text(
        'env:\n  - name: MLSERVER_KAFKA_ENABLED\n    value: "true"\n'
        '  - name: MLSERVER_DEBUG\n    value: "false"\n',
        encoding="utf-8",
    )
    (tmp_path / "settings.json").write_text('{"kafka_enabled": false}\n', encoding="utf-8")
    assert _scan(tmp_path) == {
        ("MLS-PRV-002", "Dockerfile", 2),
        ("MLS-PRV-002", "deploy.yaml", 2),
    }


FLASK = """from flask import Flask, request
app = Flask(__name__)


@app.route("/health")
def health():
    return "ok"


@app.route("/score", methods=["POST"])
def score():
    data = request.get_json()
    app.logger.info("scoring %s", data["applicant"])
    app.logger.info("n=%d", len(data))
    return {}
"""


def test_flask_handler_and_health_route() -> None:
    module = analyse("api/server.py", FLASK)
    assert module is not None
    (h,) = module.handlers  # the health check takes no body
    assert (h.function, h.framework, h.input_line) == ("score", "flask", 12)
    assert [(p["sink"], p["line"]) for p in h.payload_logging] == [("app.logger.info", 13)]
