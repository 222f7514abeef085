#!/usr/bin/env python3
"""Regenerate Tests/Fixtures/tiny-{bert,bermo}-classifier/: gradient parity references.

A tiny random BertForSequenceClassification (2 layers, hidden 32, 4 heads, intermediate 64, vocab 100)
is built with a fixed seed and saved as a Hugging Face directory (config.json + model.safetensors with
`bert.`-prefixed names, as transformers saves classifiers). For the `bermo` variant a BERMo head is added:
pooler(gamma * sum_j softmax(w)_j * h_j[CLS]) over the embedding output and both layers, with w and gamma
stored as `bermo.scalar_mix.weights` / `bermo.scalar_mix.gamma`.

One padded batch of 3 sequences (lengths 7, 4, 5; pairs with token types) goes through the model in
eval mode (dropout off: both sides' dropout masks come from different generators), cross-entropy loss
(mean), backward; `reference.safetensors` stores the input ids, token types, labels, loss, logits and
`grad.<name>` for every parameter.

    ~/.cache/bermo/refvenv/bin/python scripts/reference/make_gradient_fixture.py --out Tests/Fixtures
"""
import argparse
import json
import os

import numpy as np
import torch
from safetensors.numpy import save_file
from transformers import BertConfig, BertForSequenceClassification

SEQS = [  # (input_ids, token_type_ids) — [CLS]=2, [SEP]=3 in this made-up vocabulary
    ([2, 17, 45, 3, 61, 9, 3], [0, 0, 0, 0, 1, 1, 1]),
    ([2, 88, 5, 3], [0, 0, 0, 0]),
    ([2, 33, 33, 70, 3], [0, 0, 0, 0, 0]),
]
LABELS = [2, 0, 1]


def build(variant):
    torch.manual_seed(1234)
    config = BertConfig(vocab_size=100, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
                        num_labels=3, hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1)
    model = BertForSequenceClassification(config)
    # Non-trivial LayerNorm and bias values, so their gradients are tested in general position.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or "LayerNorm" in name:
                p.add_(0.1 * torch.randn_like(p))
    mix = None
    if variant == "bermo":
        mix = {"weights": torch.nn.Parameter(torch.tensor([0.3, -0.2, 0.5])),
               "gamma": torch.nn.Parameter(torch.tensor([0.8]))}
    return config, model, mix


def forward(model, mix, batch):
    out = model.bert(**batch, output_hidden_states=True)
    if mix is None:
        feature = out.hidden_states[-1][:, 0]
    else:
        s = torch.softmax(mix["weights"], 0)
        cls = torch.stack([h[:, 0] for h in out.hidden_states])  # [layers+1, B, H]
        feature = mix["gamma"] * (s[:, None, None] * cls).sum(0)
    pooled = torch.tanh(model.bert.pooler.dense(feature))
    return model.classifier(model.dropout(pooled))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    for variant in ("bert", "bermo"):
        config, model, mix = build(variant)
        model.eval()
        T = max(len(s[0]) for s in SEQS)
        ids = torch.tensor([s[0] + [0] * (T - len(s[0])) for s in SEQS])
        types = torch.tensor([s[1] + [0] * (T - len(s[1])) for s in SEQS])
        mask = torch.tensor([[1] * len(s[0]) + [0] * (T - len(s[0])) for s in SEQS])
        logits = forward(model, mix, {"input_ids": ids, "token_type_ids": types, "attention_mask": mask})
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor(LABELS))
        loss.backward()
        d = os.path.join(args.out, f"tiny-{variant}-classifier")
        os.makedirs(d, exist_ok=True)
        weights = {k: v.detach().numpy().copy() for k, v in model.state_dict().items() if "position_ids" not in k}
        grads = {f"grad.{k}": p.grad.numpy().copy() for k, p in model.named_parameters()}
        if mix is not None:
            for k, p in mix.items():
                weights[f"bermo.scalar_mix.{k}"] = p.detach().numpy().copy()
                grads[f"grad.bermo.scalar_mix.{k}"] = p.grad.numpy().copy()
        save_file(weights, os.path.join(d, "model.safetensors"))
        cfg = config.to_dict()
        cfg["architectures"] = ["BertForSequenceClassification"]
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump({k: cfg[k] for k in sorted(cfg) if not k.startswith("_")}, f, indent=1, default=str)
        ref = dict(grads)
        for i, (s, t) in enumerate(SEQS):
            ref[f"s{i}.input_ids"] = np.asarray(s, dtype=np.float32)
            ref[f"s{i}.token_type_ids"] = np.asarray(t, dtype=np.float32)
        ref["labels"] = np.asarray(LABELS, dtype=np.float32)
        ref["loss"] = np.asarray([loss.item()], dtype=np.float32)
        ref["logits"] = logits.detach().numpy()
        save_file(ref, os.path.join(d, "reference.safetensors"),
                  metadata={"torch": torch.__version__, "transformers": __import__("transformers").__version__})
        print(f"wrote {d}: loss {loss.item():.6f}, {len(grads)} gradient tensors")


if __name__ == "__main__":
    main()
