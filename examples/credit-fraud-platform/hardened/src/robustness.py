"""Adversarial robustness with the Adversarial Robustness Toolbox (ART).

Runs a black-box HopSkipJump evasion attack against both decision models and fails when
accuracy under attack drops by more than `max_accuracy_drop`.
"""
import json
import sys

import numpy as np
import onnxruntime as ort
import pandas as pd
import yaml
from art.attacks.evasion import HopSkipJump
from art.estimators.classification import BlackBoxClassifier
from safetensors.numpy import load_file

params = yaml.safe_load(open("params.yaml"))["robustness"]
session = ort.InferenceSession("models/credit/model.onnx", providers=["CPUExecutionProvider"])
w = load_file("models/fraud/model.safetensors")


def credit_predict(x: np.ndarray) -> np.ndarray:
    p = session.run(None, {"features": x.astype(np.float32)})[0].ravel()
    return np.stack([1 - p, p], axis=1)


def fraud_predict(x: np.ndarray) -> np.ndarray:
    p = 1 / (1 + np.exp(-(x @ w["fc.weight"].T + w["fc.bias"]).ravel()))
    return np.stack([1 - p, p], axis=1)


report = {}
for name, predict, path, label in (
    ("credit", credit_predict, "data/features_credit.csv", "defaulted"),
    ("fraud", fraud_predict, "data/features_fraud.csv", "is_fraud"),
):
    df = pd.read_csv(path)
    x = df.drop(columns=[df.columns[0], label]).to_numpy(dtype=np.float32)
    y = df[label].to_numpy()
    clf = BlackBoxClassifier(predict, input_shape=x.shape[1:], nb_classes=2)
    x_adv = HopSkipJump(clf, max_iter=10, max_eval=200, verbose=False).generate(x)
    clean = (predict(x).argmax(1) == y).mean()
    attacked = (predict(x_adv).argmax(1) == y).mean()
    report[name] = {"clean_accuracy": float(clean), "adversarial_accuracy": float(attacked)}

json.dump(report, open("robustness.json", "w"), indent=2)
worst = max(r["clean_accuracy"] - r["adversarial_accuracy"] for r in report.values())
sys.exit(1 if worst > params["max_accuracy_drop"] else 0)
