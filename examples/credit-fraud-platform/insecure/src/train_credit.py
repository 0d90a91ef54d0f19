"""Credit scoring: logistic regression on the applicant features."""
import sys

import joblib
import pandas as pd
import yaml
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))["credit"]
df = pd.read_csv(sys.argv[1])
X, y = df.drop(columns=["application_id", "defaulted"]), df["defaulted"]
model = LogisticRegression(C=params["C"], max_iter=params["max_iter"]).fit(X, y)
joblib.dump(model, sys.argv[2])
