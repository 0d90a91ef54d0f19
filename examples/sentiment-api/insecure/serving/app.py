"""REST API for the review-sentiment model."""
import logging
import os
import pickle

from fastapi import FastAPI, Request

logging.basicConfig(level=logging.INFO)
log = logging.getLogger("sentiment-api")

MODEL_PATH = os.environ.get("MODEL_PATH", "/models/sentiment/model.pkl")
with open(MODEL_PATH, "rb") as fh:
    model = pickle.load(fh)

app = FastAPI(title="review-sentiment")


@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    log.info("predict request: %s", body)
    rows = [[r["n_tokens"], r["pos_hits"], r["neg_hits"], r["exclamations"], r["stars_hint"]]
            for r in body["instances"]]
    labels = model.predict(rows)
    return {"predictions": list(labels)}
