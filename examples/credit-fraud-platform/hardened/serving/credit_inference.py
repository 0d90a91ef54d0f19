"""SageMaker inference handlers for the credit-scoring endpoint (ONNX, validated input)."""
import json
import logging
import os

import numpy as np
import onnxruntime as ort
from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)


class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    income: float = Field(ge=0, le=10_000_000)
    debt_ratio: float = Field(ge=0, le=5)
    age_band: int = Field(ge=1, le=10)
    late_payments: int = Field(ge=0, le=100)
    credit_lines: int = Field(ge=0, le=100)
    tenure: int = Field(ge=0, le=80)


class ScoringRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applicants: list[Applicant] = Field(min_length=1, max_length=100)


class ScoringResponse(BaseModel):
    default_probability: list[float]


def model_fn(model_dir):
    return ort.InferenceSession(os.path.join(model_dir, "model.onnx"),
                                providers=["CPUExecutionProvider"])


def input_fn(request_body, content_type="application/json"):
    request = ScoringRequest.model_validate_json(request_body)
    logger.info("scoring %d applicants", len(request.applicants))
    return request


def predict_fn(request, session):
    X = np.asarray([[a.income, a.debt_ratio, a.age_band, a.late_payments, a.credit_lines,
                     a.tenure] for a in request.applicants], dtype=np.float32)
    return session.run(None, {"features": X})[0].ravel().tolist()


def output_fn(prediction, accept="application/json"):
    return ScoringResponse(default_probability=prediction).model_dump_json()
