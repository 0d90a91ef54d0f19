"""Train a logistic regression, export it to ONNX and log it to the MLflow registry."""
import os
import sys

import mlflow
import pandas as pd
import yaml
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))["train"]
features, out_dir = sys.argv[1], sys.argv[2]
df = pd.read_csv(features)
X = df.drop(columns=["review_id", "label"]).astype("float32")
y = (df["label"] == "positive").astype(int)
model = LogisticRegression(C=params["C"], max_iter=params["max_iter"]).fit(X, y)
onx = to_onnx(model, X[:1].to_numpy(), options={"zipmap": False})
with open(os.path.join(out_dir, "model.onnx"), "wb") as fh:
    fh.write(onx.SerializeToString())

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])  # https://mlflow.acme.internal
with mlflow.start_run():
    mlflow.log_params(params)
    mlflow.onnx.log_model(onx, "model", registered_model_name="review-sentiment",
                          input_example=X[:1].to_numpy())
