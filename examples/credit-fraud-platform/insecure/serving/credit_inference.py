"""SageMaker inference handlers for the credit-scoring endpoint."""
import json
import logging
import os

import joblib

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)


def model_fn(model_dir):
    return joblib.load(os.path.join(model_dir, "model.joblib"))


def input_fn(request_body, content_type="application/json"):
    logger.info("scoring request: %s", request_body)
    return json.loads(request_body)


def predict_fn(data, model):
    rows = [[a["income"], a["debt_ratio"], a["age_band"], a["late_payments"],
             a["credit_lines"], a["tenure"]] for a in data["applicants"]]
    return model.predict_proba(rows)[:, 1].tolist()


def output_fn(prediction, accept="application/json"):
    return json.dumps({"default_probability": prediction})
