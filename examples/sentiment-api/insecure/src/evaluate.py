"""Accuracy and F1 on the feature table."""
import json
import pickle
import sys

import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

model = pickle.load(open(sys.argv[1], "rb"))
df = pd.read_csv(sys.argv[2])
pred = model.predict(df.drop(columns=["review_id", "label"]))
metrics = {"accuracy": accuracy_score(df["label"], pred),
           "f1": f1_score(df["label"], pred, pos_label="positive")}
json.dump(metrics, open("metrics.json", "w"), indent=2)
