"""Credit scoring: logistic regression exported to ONNX inside an MLflow model directory."""
import os
import sys

import pandas as pd
import yaml
from skl2onnx import to_onnx
from sklearn.linear_model import LogisticRegression

params = yaml.safe_load(open("params.yaml"))["credit"]
df = pd.read_csv(sys.argv[1])
# mlscan:ignore[MLS-PRV-005] reason="age_band feeds the age-band affordability rule; lawful basis and fairness review recorded with compliance"
X = df.drop(columns=["application_id", "defaulted"]).astype("float32")
model = LogisticRegression(C=params["C"], max_iter=params["max_iter"]).fit(X, df["defaulted"])
onx = to_onnx(model, X[:1].to_numpy(), options={"zipmap": False})
with open(os.path.join(sys.argv[2], "model.onnx"), "wb") as fh:
    fh.write(onx.SerializeToString())
