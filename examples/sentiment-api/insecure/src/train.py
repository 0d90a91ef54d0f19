"""Train a logistic regression and log it to the MLflow registry."""
import pickle
import sys

import mlflow
import pandas as pd
import yaml
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))["train"]
features, out_dir = sys.argv[1], sys.argv[2]
df = pd.read_csv(features)
X, y = df.drop(columns=["review_id", "label"]), df["label"]
model = LogisticRegression(C=params["C"], max_iter=params["max_iter"]).fit(X, y)
with open(f"{out_dir}/model.pkl", "wb") as fh:
    pickle.dump(model, fh)

mlflow.set_tracking_uri("http://mlflow.acme.internal:5000")
with mlflow.start_run():
    mlflow.log_params(params)
    mlflow.sklearn.log_model(model, "model", registered_model_name="review-sentiment")
