"""REST API for the review-sentiment model (ONNX, schema-validated, no payload logging)."""
import logging
import os

import numpy as np
import onnxruntime as ort
from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger("sentiment-api")

MODEL_PATH = os.environ.get("MODEL_PATH", "/models/sentiment/model.onnx")
session = ort.InferenceSession(MODEL_PATH, providers=["CPUExecutionProvider"])

app = FastAPI(title="review-sentiment")


class ReviewFeatures(BaseModel):
    model_config = ConfigDict(extra="forbid")
    n_tokens: int = Field(ge=0, le=512)
    pos_hits: int = Field(ge=0, le=512)
    neg_hits: int = Field(ge=0, le=512)
    exclamations: int = Field(ge=0, le=64)
    stars_hint: int = Field(ge=0, le=1)


class PredictRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instances: list[ReviewFeatures] = Field(min_length=1, max_length=64)


class PredictResponse(BaseModel):
    predictions: list[str]


@app.post("/predict", response_model=PredictResponse)
def predict(request: PredictRequest) -> PredictResponse:
    X = np.asarray([[r.n_tokens, r.pos_hits, r.neg_hits, r.exclamations, r.stars_hint]
                    for r in request.instances], dtype=np.float32)
    prob = session.run(None, {"features": X})[0].ravel()
    log.info("predict: %d instances", len(request.instances))
    return PredictResponse(predictions=["positive" if p >= 0.5 else "negative" for p in prob])
