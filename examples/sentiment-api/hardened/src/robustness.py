"""Adversarial robustness: TextAttack word-substitution attacks against the served pipeline.

Fails the pipeline when more than `max_attack_success_rate` of the attacks flip the label.
"""
import csv
import json
import sys

import numpy as np
import onnxruntime as ort
import textattack
import yaml
from textattack.attack_recipes import TextFoolerJin2019
from textattack.datasets import Dataset
from textattack.models.wrappers import ModelWrapper

params = yaml.safe_load(open("params.yaml"))["robustness"]
session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
lexicon = {r["word"]: int(r["polarity"]) for r in csv.DictReader(open("data/lexicon.csv"))}


def features(text: str) -> list[float]:
    words = text.lower().split()
    pos = sum(lexicon.get(w, 0) > 0 for w in words)
    neg = sum(lexicon.get(w, 0) < 0 for w in words)
    return [len(words), pos, neg, text.count("!"), 0]


class OnnxSentiment(ModelWrapper):
    def __init__(self) -> None:
        self.model = session

    def __call__(self, texts: list[str]) -> np.ndarray:
        X = np.asarray([features(t) for t in texts], dtype=np.float32)
        p = session.run(None, {"features": X})[0].ravel()
        return np.stack([1 - p, p], axis=1)


rows = list(csv.DictReader(open(sys.argv[2])))[: params["num_examples"]]
dataset = Dataset([(r["text"], int(r["label"] == "positive")) for r in rows])
attack = TextFoolerJin2019.build(OnnxSentiment())
args = textattack.AttackArgs(num_examples=len(rows), disable_stdout=True, random_seed=7)
results = textattack.Attacker(attack, dataset, args).attack_dataset()
succeeded = sum(isinstance(r, textattack.attack_results.SuccessfulAttackResult) for r in results)
rate = succeeded / max(len(results), 1)
json.dump({"attack_success_rate": rate, "recipe": params["recipe"]},
          open("robustness.json", "w"), indent=2)
sys.exit(1 if rate > params["max_attack_success_rate"] else 0)
