"""Fraud detection: a single linear layer trained with a weighted BCE loss."""
import sys

import pandas as pd
import torch
import yaml

params = yaml.safe_load(open("params.yaml"))["fraud"]
df = pd.read_csv(sys.argv[1])
X = torch.tensor(df.drop(columns=["transaction_id", "is_fraud"]).values, dtype=torch.float32)
y = torch.tensor(df["is_fraud"].values, dtype=torch.float32).unsqueeze(1)
model = torch.nn.Sequential()
model.add_module("fc", torch.nn.Linear(X.shape[1], 1))
loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(params["pos_weight"]))
opt = torch.optim.Adam(model.parameters(), lr=params["lr"])
for _ in range(params["epochs"]):
    opt.zero_grad()
    loss_fn(model(X), y).backward()
    opt.step()
torch.save(model.state_dict(), sys.argv[2])
