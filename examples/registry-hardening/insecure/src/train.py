"""Train the churn baseline and register it in the MLflow model registry."""
import os
import sys

import mlflow
import pandas as pd
import yaml
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))["train"]
df = pd.read_csv(sys.argv[1])
X, y = df.drop(columns=["customer_id", "churned"]), df["churned"]
model = LogisticRegression(C=params["C"], max_iter=params["max_iter"]).fit(X, y)

mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])
with mlflow.start_run():
    mlflow.log_params(params)
    mlflow.sklearn.log_model(model, "model", registered_model_name="churn-classifier")
