"""SageMaker inference handlers for the fraud-detection endpoint."""
import json
import logging
import os

import torch

logger = logging.getLogger(__name__)


def model_fn(model_dir):
    return torch.load(os.path.join(model_dir, "model.pt"))


def input_fn(request_body, content_type="application/json"):
    payload = json.loads(request_body)
    logger.info("transaction payload: %s", payload)
    return payload


def predict_fn(data, state):
    X = torch.tensor(data["features"], dtype=torch.float32)
    return torch.sigmoid(X @ state["fc.weight"].T + state["fc.bias"]).squeeze(1).tolist()
