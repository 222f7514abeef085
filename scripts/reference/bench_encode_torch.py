#!/usr/bin/env python3
"""PyTorch/transformers side of `scripts/bench/encode.sh`: the same two workloads as `bermo bench encode`.

1. full padding: 32 sequences of exactly 128 tokens (SST-2 train sentences joined then truncated),
   forward only, median of --reps passes after one warm-up;
2. real lengths: 2,000 SST-2 sentences (all 872 dev + the first 1,128 train), tokenized, sorted by
   length, batches of 32 padded to their longest, all hidden states, [CLS] and mean pooled per layer.

Prints one JSON object per workload. fp32, eager attention, torch.inference_mode, --threads threads.
"""
import argparse
import json
import statistics
import time

import torch
from transformers import BertModel, BertTokenizerFast


def sst2(data_dir):
    def read(name):
        with open(f"{data_dir}/glue/SST-2/{name}", encoding="utf-8") as f:
            next(f)
            return [line.rstrip("\n").split("\t")[0] for line in f]
    dev, train = read("dev.tsv"), read("train.tsv")
    return dev, train


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tok = BertTokenizerFast.from_pretrained(args.model_dir)
    model = BertModel.from_pretrained(args.model_dir, attn_implementation="eager").eval()
    dev, train = sst2(args.data_dir)

    # 1. full padding
    texts = [" ".join(train[i * 40:(i + 1) * 40]) for i in range(32)]
    batch = tok(texts, truncation=True, max_length=128, padding="max_length", return_tensors="pt")
    assert batch["attention_mask"].sum().item() == 32 * 128, "every sequence must fill 128 tokens"
    times = []
    with torch.inference_mode():
        model(**batch, output_hidden_states=True)
        for _ in range(args.reps):
            t0 = time.perf_counter()
            model(**batch, output_hidden_states=True)
            times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    print(json.dumps({"impl": "pytorch", "workload": "full-32x128", "seconds_per_batch": med,
                      "sentences_per_s": 32 / med, "torch": torch.__version__, "threads": args.threads}))

    # 2. real lengths
    sentences = dev + train[:2000 - len(dev)]

    def run():
        enc = tok(sentences, truncation=True, max_length=128)
        order = sorted(range(len(sentences)), key=lambda i: len(enc["input_ids"][i]))
        feats = [None] * len(sentences)
        with torch.inference_mode():
            for s in range(0, len(order), 32):
                idx = order[s:s + 32]
                b = tok.pad({"input_ids": [enc["input_ids"][i] for i in idx],
                             "token_type_ids": [enc["token_type_ids"][i] for i in idx],
                             "attention_mask": [enc["attention_mask"][i] for i in idx]}, return_tensors="pt")
                hs = torch.stack(model(**b, output_hidden_states=True).hidden_states, 1)  # [B, L+1, T, H]
                m = b["attention_mask"][:, None, :, None].float()
                mean = (hs * m).sum(2) / m.sum(2)
                cls = hs[:, :, 0, :]
                for j, i in enumerate(idx):
                    feats[i] = (cls[j], mean[j])
        return feats

    run()  # warm-up
    times = []
    for _ in range(max(1, args.reps // 2)):
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    tokens = sum(len(x) for x in tok(sentences, truncation=True, max_length=128)["input_ids"])
    print(json.dumps({"impl": "pytorch", "workload": "sst2-2000-real", "seconds": med,
                      "sentences_per_s": len(sentences) / med, "tokens": tokens,
                      "torch": torch.__version__, "threads": args.threads}))


if __name__ == "__main__":
    main()
