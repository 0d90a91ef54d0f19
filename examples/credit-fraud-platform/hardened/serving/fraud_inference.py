"""SageMaker inference handlers for the fraud-detection endpoint (safetensors weights)."""
import logging
import os

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from safetensors.numpy import load_file

logger = logging.getLogger(__name__)


class Transaction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_eur: float = Field(ge=0, le=1_000_000)
    hour: int = Field(ge=0, le=23)
    foreign: int = Field(ge=0, le=1)
    high_risk_mcc: int = Field(ge=0, le=1)
    night: int = Field(ge=0, le=1)
    velocity_1h: int = Field(ge=0, le=1000)


class FraudRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    transactions: list[Transaction] = Field(min_length=1, max_length=500)


class FraudResponse(BaseModel):
    fraud_probability: list[float]


def model_fn(model_dir):
    return load_file(os.path.join(model_dir, "model.safetensors"))


def input_fn(request_body, content_type="application/json"):
    request = FraudRequest.model_validate_json(request_body)
    logger.info("scoring %d transactions", len(request.transactions))
    return request


def predict_fn(request, weights):
    X = np.asarray([[t.amount_eur, t.hour, t.foreign, t.high_risk_mcc, t.night, t.velocity_1h]
                    for t in request.transactions], dtype=np.float32)
    z = X @ weights["fc.weight"].T + weights["fc.bias"]
    return (1 / (1 + np.exp(-z))).ravel().tolist()


def output_fn(prediction, accept="application/json"):
    return FraudResponse(fraud_probability=prediction).model_dump_json()
