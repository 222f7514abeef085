#!/usr/bin/env python3
"""Regenerate Tests/Fixtures/minilm_hidden_states.safetensors: the reference for bermo's forward pass.

Runs the real all-MiniLM-L6-v2 checkpoint with PyTorch + transformers (fp32, eager attention, eval
mode) on a fixed list of sentences and pairs, in ONE padded batch (as a user of transformers would),
and stores for every sentence its input ids and token types (as float32: exact below 2^24, so one
reader serves all tensors), all hidden states (embedding output and each of the 6 layers) at its
real tokens only, and the pooler output.

    /root/refvenv/bin/python scripts/reference/make_hidden_states_fixture.py \
        --model-dir ~/.cache/bermo/models/minilm-l6 --out Tests/Fixtures/minilm_hidden_states.safetensors

The Swift test compares every value within 1e-4 absolute (see ParityTests.swift for why).
"""
import argparse

import numpy as np
import torch
from safetensors.numpy import save_file
from transformers import BertModel, BertTokenizerFast

SINGLES = [
    "The quick brown fox jumps over the lazy dog.",
    "it 's a charming and often affecting journey .",
    "Unbelievable!",
    "",
    "Café naïve résumé — Ångström façade.",
    "Ein Satz auf Deutsch, mit Umlauten: Größe, Übermaß.",
    "東京は日本の首都です。",
    "A much longer sentence that keeps going, with commas, numbers like 3.14159 and 2,718, "
    "parenthetical remarks (such as this one), and quotation marks \"here\" so that the attention "
    "pattern has more than a handful of tokens to spread over.",
]
PAIRS = [
    ("A man is playing a guitar.", "A person plays an instrument."),
    ("How do I learn Swift?", "What is the best way to learn Swift programming?"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(0)
    tok = BertTokenizerFast.from_pretrained(args.model_dir)
    model = BertModel.from_pretrained(args.model_dir, attn_implementation="eager").eval()
    firsts = SINGLES + [a for a, _ in PAIRS]
    seconds = [None] * len(SINGLES) + [b for _, b in PAIRS]
    enc = [tok(a, b, truncation=True, max_length=128) for a, b in zip(firsts, seconds)]
    batch = tok.pad({"input_ids": [e["input_ids"] for e in enc],
                     "token_type_ids": [e["token_type_ids"] for e in enc],
                     "attention_mask": [e["attention_mask"] for e in enc]}, return_tensors="pt")
    with torch.no_grad():
        out = model(**batch, output_hidden_states=True)
    hs = torch.stack(out.hidden_states, dim=1).numpy()  # [batch, layers+1, T, H]
    tensors = {}
    for i, e in enumerate(enc):
        n = len(e["input_ids"])
        tensors[f"s{i}.input_ids"] = np.asarray(e["input_ids"], dtype=np.float32)
        tensors[f"s{i}.token_type_ids"] = np.asarray(e["token_type_ids"], dtype=np.float32)
        tensors[f"s{i}.hidden_states"] = np.ascontiguousarray(hs[i, :, :n, :], dtype=np.float32)
        tensors[f"s{i}.pooler_output"] = out.pooler_output[i].numpy().astype(np.float32)
    meta = {"count": str(len(enc)), "torch": torch.__version__,
            "transformers": __import__("transformers").__version__}
    save_file(tensors, args.out, metadata=meta)
    print(f"wrote {args.out}: {len(enc)} sequences, {sum(len(e['input_ids']) for e in enc)} tokens")


if __name__ == "__main__":
    main()
