"""Accuracy and F1 on the feature table, with the ONNX model."""
import json
import sys

import numpy as np
import onnxruntime as ort
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
df = pd.read_csv(sys.argv[2])
X = df.drop(columns=["review_id", "label"]).to_numpy(dtype=np.float32)
prob = session.run(None, {"features": X})[0].ravel()
y = (df["label"] == "positive").astype(int)
pred = (prob >= 0.5).astype(int)
metrics = {"accuracy": accuracy_score(y, pred), "f1": f1_score(y, pred)}
json.dump(metrics, open("metrics.json", "w"), indent=2)
