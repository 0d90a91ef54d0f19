"""Clean raw reviews and derive a binary label from the star rating."""
import csv
import sys

import yaml

params = yaml.safe_load(open("params.yaml"))["prepare"]
src, dst = sys.argv[1], sys.argv[2]
with open(src, newline="") as fh, open(dst, "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["review_id", "text", "label"])
    for row in csv.DictReader(fh):
        text = row["review_text"].lower().replace(",", "")
        if len(text) < params["min_length"]:
            continue
        label = "positive" if int(row["rating"]) >= 4 else "negative"
        writer.writerow([row["review_id"], text, label])
