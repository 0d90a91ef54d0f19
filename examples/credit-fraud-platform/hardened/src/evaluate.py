"""AUC of both models on their feature tables (ONNX Runtime and safetensors, no pickle)."""
import json

import numpy as np
import onnxruntime as ort
import pandas as pd
from safetensors.numpy import load_file
from sklearn.metrics import roc_auc_score

session = ort.InferenceSession("models/credit/model.onnx", providers=["CPUExecutionProvider"])
dc = pd.read_csv("data/features_credit.csv")
Xc = dc.drop(columns=["application_id", "defaulted"]).to_numpy(dtype=np.float32)
auc_credit = roc_auc_score(dc["defaulted"], session.run(None, {"features": Xc})[0].ravel())

w = load_file("models/fraud/model.safetensors")
df = pd.read_csv("data/features_fraud.csv")
Xf = df.drop(columns=["transaction_id", "is_fraud"]).to_numpy(dtype=np.float32)
auc_fraud = roc_auc_score(df["is_fraud"], (Xf @ w["fc.weight"].T + w["fc.bias"]).ravel())
json.dump({"credit_auc": auc_credit, "fraud_auc": auc_fraud}, open("metrics.json", "w"), indent=2)
