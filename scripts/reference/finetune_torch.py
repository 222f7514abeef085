#!/usr/bin/env python3
"""PyTorch/transformers reference for `bermo finetune` (training parity and training speed).

Same recipe as bermo: BertForSequenceClassification (or the BERMo head: pooler over
gamma * sum_j softmax(w)_j * h_j[CLS]), the first --max-train-samples rows of the training TSV, seeded
shuffling per epoch, dynamic padding per batch, AdamW (bias and LayerNorm excluded from weight decay;
the mix with its own learning rate), linear warm-up then linear decay, global-norm clipping at 1.0,
dropout from config.json, accuracy on the dev TSV at the end.

    ~/.cache/bermo/refvenv/bin/python scripts/reference/finetune_torch.py --model-dir DIR \
        --train ../shared/data/glue/SST-2/train.tsv --dev ../shared/data/glue/SST-2/dev.tsv \
        --max-train-samples 4000 --num-train-epochs 2 --seed 1 [--head bermo] [--threads 2]

Prints one JSON line: dev accuracy, steps, seconds, examples/s.
With --speed BxT it instead times forward+backward+AdamW steps on B sequences of exactly T tokens.
"""
import argparse
import json
import math
import time

import torch
from transformers import BertForSequenceClassification, BertTokenizerFast, get_linear_schedule_with_warmup


def read_tsv(path, text_col, label_col):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        t, l = header.index(text_col), header.index(label_col)
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return [r[t] for r in rows], [r[l] for r in rows]


class Bermo(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weights = torch.nn.Parameter(torch.zeros(n))
        self.gamma = torch.nn.Parameter(torch.ones(1))


def logits_of(model, mix, batch):
    out = model.bert(**batch, output_hidden_states=True)
    if mix is None:
        feature = out.hidden_states[-1][:, 0]
    else:
        s = torch.softmax(mix.weights, 0)
        feature = mix.gamma * (s[:, None, None] * torch.stack([h[:, 0] for h in out.hidden_states])).sum(0)
    return model.classifier(model.dropout(torch.tanh(model.bert.pooler.dense(feature))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--train"); ap.add_argument("--dev")
    ap.add_argument("--text-column", default="sentence"); ap.add_argument("--label-column", default="label")
    ap.add_argument("--head", default="bert", choices=["bert", "bermo"])
    ap.add_argument("--max-train-samples", type=int); ap.add_argument("--num-train-epochs", type=float, default=3)
    ap.add_argument("--per-device-train-batch-size", type=int, default=32)
    ap.add_argument("--learning-rate", type=float, default=2e-5); ap.add_argument("--mix-learning-rate", type=float, default=1e-3)
    ap.add_argument("--warmup-ratio", type=float, default=0.0); ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--max-seq-length", type=int, default=128); ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=2); ap.add_argument("--speed", help="BxT: time training steps instead")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    tok = BertTokenizerFast.from_pretrained(args.model_dir)
    num_labels = 2
    if args.train:
        texts, labels = read_tsv(args.train, args.text_column, args.label_column)
        label_set = sorted(set(labels), key=lambda x: (int(x) if x.lstrip("-").isdigit() else x))
        num_labels = len(label_set)
    model = BertForSequenceClassification.from_pretrained(args.model_dir, num_labels=num_labels, attn_implementation="eager")
    mix = Bermo(model.config.num_hidden_layers + 1) if args.head == "bermo" else None
    decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
    groups = [{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    if mix is not None:
        groups.append({"params": list(mix.parameters()), "weight_decay": 0.0, "lr": args.mix_learning_rate})
    opt = torch.optim.AdamW(groups, lr=args.learning_rate, eps=1e-8)
    params = [p for g in groups for p in g["params"]]

    def step(batch, y):
        model.train()
        loss = torch.nn.functional.cross_entropy(logits_of(model, mix, batch), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        return loss.item()

    if args.speed:
        B, T = map(int, args.speed.split("x"))
        ids = torch.randint(1000, 29000, (B, T)); ids[:, 0] = 101; ids[:, -1] = 102
        batch = {"input_ids": ids, "token_type_ids": torch.zeros_like(ids), "attention_mask": torch.ones_like(ids)}
        y = torch.randint(0, 2, (B,))
        step(batch, y)
        times = []
        for _ in range(3):
            t0 = time.perf_counter(); step(batch, y); times.append(time.perf_counter() - t0)
        t = sorted(times)[1]
        print(json.dumps({"impl": "pytorch", "workload": f"train-{B}x{T}", "head": args.head, "seconds_per_step": t,
                          "examples_per_s": B / t, "threads": args.threads, "torch": torch.__version__}))
        return

    if args.max_train_samples:
        texts, labels = texts[:args.max_train_samples], labels[:args.max_train_samples]
    y_all = [label_set.index(l) for l in labels]
    dev_texts, dev_labels = read_tsv(args.dev, args.text_column, args.label_column)
    dev_y = [label_set.index(l) for l in dev_labels]
    enc = tok(texts, truncation=True, max_length=args.max_seq_length)
    B = args.per_device_train_batch_size
    per_epoch = math.ceil(len(texts) / B)
    total = math.ceil(args.num_train_epochs * per_epoch)
    sched = get_linear_schedule_with_warmup(opt, math.ceil(args.warmup_ratio * total), total)
    gen = torch.Generator().manual_seed(args.seed)
    t0 = time.perf_counter()
    done = 0
    while done < total:
        order = torch.randperm(len(texts), generator=gen).tolist()
        for s in range(0, len(order), B):
            if done >= total:
                break
            idx = order[s:s + B]
            batch = tok.pad({k: [enc[k][i] for i in idx] for k in ("input_ids", "token_type_ids", "attention_mask")}, return_tensors="pt")
            step(batch, torch.tensor([y_all[i] for i in idx]))
            sched.step()
            done += 1
    seconds = time.perf_counter() - t0
    model.eval()
    correct = 0
    dev_enc = tok(dev_texts, truncation=True, max_length=args.max_seq_length)
    with torch.no_grad():
        for s in range(0, len(dev_texts), 64):
            batch = tok.pad({k: dev_enc[k][s:s + 64] for k in ("input_ids", "token_type_ids", "attention_mask")}, return_tensors="pt")
            pred = logits_of(model, mix, batch).argmax(-1)
            correct += (pred == torch.tensor(dev_y[s:s + 64])).sum().item()
    result = {"impl": "pytorch", "head": args.head, "seed": args.seed, "accuracy": correct / len(dev_texts), "steps": total,
              "train_seconds": seconds, "examples_per_s": total * B / seconds}
    if mix is not None:
        result["mix_weights"] = torch.softmax(mix.weights, 0).tolist(); result["mix_gamma"] = mix.gamma.item()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
