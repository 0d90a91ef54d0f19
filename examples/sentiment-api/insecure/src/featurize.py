"""Lexicon and tokenizer features for each review."""
import csv
import sys

import yaml
from transformers import AutoTokenizer

params = yaml.safe_load(open("params.yaml"))["featurize"]
tokenizer = AutoTokenizer.from_pretrained(params["tokenizer"])
prepared, lexicon_path, dst = sys.argv[1:4]
lexicon = {r["word"]: int(r["polarity"]) for r in csv.DictReader(open(lexicon_path))}
with open(prepared, newline="") as fh, open(dst, "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["review_id", "n_tokens", "pos_hits", "neg_hits", "exclamations",
                     "stars_hint", "label"])
    for row in csv.DictReader(fh):
        words = tokenizer.tokenize(row["text"])
        pos = sum(lexicon.get(w, 0) > 0 for w in words)
        neg = sum(lexicon.get(w, 0) < 0 for w in words)
        hint = int(row["label"] == "positive")
        writer.writerow([row["review_id"], len(words), pos, neg, row["text"].count("!"),
                         hint, row["label"]])
