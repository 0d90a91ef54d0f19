"""AUC of both models on their feature tables."""
import json

import joblib
import pandas as pd
import torch
from sklearn.metrics import roc_auc_score

credit = joblib.load("models/credit/model.joblib")
dc = pd.read_csv("data/features_credit.csv")
auc_credit = roc_auc_score(dc["defaulted"], credit.predict_proba(
    dc.drop(columns=["application_id", "defaulted"]))[:, 1])

state = torch.load("models/fraud/model.pt")
df = pd.read_csv("data/features_fraud.csv")
X = torch.tensor(df.drop(columns=["transaction_id", "is_fraud"]).values, dtype=torch.float32)
scores = (X @ state["fc.weight"].T + state["fc.bias"]).squeeze(1)
auc_fraud = roc_auc_score(df["is_fraud"], scores.detach().numpy())
json.dump({"credit_auc": auc_credit, "fraud_auc": auc_fraud}, open("metrics.json", "w"), indent=2)
