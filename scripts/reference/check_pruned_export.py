#!/usr/bin/env python3
"""Check that a pruned model exported by bermo (`PruningSchedule.export`) loads in transformers as a
plain BertForSequenceClassification, and print its logits and remaining weights so they can be compared
with bermo's own evaluation of the masked model.

    /root/refvenv/bin/python scripts/reference/check_pruned_export.py --model-dir /tmp/pruned \
        --sentence "a gorgeous , witty , seductive movie ." --sentence "the acting is dreadful"

Remaining weights are counted over the six masked matrices of every encoder layer (query, key, value,
attention output, intermediate, output), as the `remaining_weights` log field does. Checked once for
MiniLM-L6 pruned to 10% by magnitude: transformers' logits matched bermo's within 3e-8 and both counted
9.9998% remaining.
"""
import argparse
import json

import torch
from transformers import BertForSequenceClassification, BertTokenizer

MASKED = ("attention.self.query.weight", "attention.self.key.weight", "attention.self.value.weight",
          "attention.output.dense.weight", "intermediate.dense.weight", "output.dense.weight")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--sentence", action="append", required=True)
    args = ap.parse_args()
    model = BertForSequenceClassification.from_pretrained(args.model_dir).eval()
    tok = BertTokenizer.from_pretrained(args.model_dir)
    with torch.no_grad():
        logits = model(**tok(args.sentence, padding=True, return_tensors="pt")).logits
    total = kept = 0
    for name, p in model.named_parameters():
        if ".encoder.layer." in name and name.endswith(MASKED):
            total += p.numel()
            kept += int((p != 0).sum())
    print(json.dumps({"logits": logits.numpy().ravel().tolist(), "remaining_weights": kept / total}))


if __name__ == "__main__":
    main()
