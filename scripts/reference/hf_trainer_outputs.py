#!/usr/bin/env python3
"""Regenerate Tests/Fixtures/hf-trainer-outputs/: the files transformers' `run_glue.py` + `Trainer` write,
which `bermo finetune` mirrors key for key (HFOutputFilesTests compares the key sets recursively).

Follows run_glue.py's own sequence (train, save_metrics("train"), save_state, evaluate, save_metrics("eval"))
with the Trainer on a tiny randomly initialised BERT (the key layout does not depend on the weights) over the
first rows of the real SST-2 files, tokenized with the real all-MiniLM-L6-v2 vocabulary. The settings mirror the
bermo run of the test: 4 steps of 8 examples, evaluation (and logging, and a checkpoint) every 2 steps,
accuracy as run_glue.py computes it without a task name, metric_for_best_model=accuracy so the best_* fields
carry values. Writes eval_results.json, train_results.json, all_results.json, trainer_state.json, a checkpoint's
trainer_state.json (checkpoint-trainer_state.json) and provenance.json (versions and settings).

    ~/.cache/bermo/refvenv/bin/python scripts/reference/hf_trainer_outputs.py \
        --model-dir ~/.cache/bermo/models/minilm-l6 --data ../shared/data/glue/SST-2 \
        --out Tests/Fixtures/hf-trainer-outputs

Needs accelerate in the venv (the Trainer refuses to start without it; scripts/reference/setup_venv.sh installs it).
"""
import argparse
import json
import os
import platform
import shutil
import sys
import tempfile

import numpy as np
import torch
import transformers
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

FILES = ["eval_results.json", "train_results.json", "all_results.json", "trainer_state.json"]
SETTINGS = dict(max_steps=4, per_device_train_batch_size=8, per_device_eval_batch_size=8, eval_strategy="steps",
                eval_steps=2, logging_steps=2, save_steps=2, learning_rate=5e-5, seed=1,
                metric_for_best_model="accuracy", report_to="none", use_cpu=True)
TRAIN_ROWS, EVAL_ROWS = 32, 16


def read_rows(path, count):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()][:count]
    text, label = header.index("sentence"), header.index("label")
    return [r[text] for r in rows], [int(r[label]) for r in rows]


def dataset(tokenizer, path, count):
    texts, labels = read_rows(path, count)
    encoded = tokenizer(texts, truncation=True, max_length=128)
    return [{"input_ids": ids, "attention_mask": mask, "token_type_ids": types, "labels": label}
            for ids, mask, types, label in zip(encoded["input_ids"], encoded["attention_mask"],
                                               encoded["token_type_ids"], labels)]


def compute_metrics(p):
    """run_glue.py's metric without a task name, for classification."""
    predictions = p.predictions[0] if isinstance(p.predictions, tuple) else p.predictions
    return {"accuracy": (np.argmax(predictions, axis=1) == p.label_ids).astype(np.float32).mean().item()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model-dir", required=True, help="a BERT folder whose vocab.txt tokenizes (the weights are not used)")
    ap.add_argument("--data", required=True, help="the GLUE SST-2 folder (train.tsv, dev.tsv)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    transformers.set_seed(SETTINGS["seed"])
    tokenizer = BertTokenizerFast.from_pretrained(args.model_dir)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=37, num_labels=2)
    model = BertForSequenceClassification(config)
    train = dataset(tokenizer, os.path.join(args.data, "train.tsv"), TRAIN_ROWS)
    dev = dataset(tokenizer, os.path.join(args.data, "dev.tsv"), EVAL_ROWS)

    with tempfile.TemporaryDirectory() as work:
        training_args = TrainingArguments(output_dir=work, **SETTINGS)
        trainer = Trainer(model=model, args=training_args, train_dataset=train, eval_dataset=dev,
                          compute_metrics=compute_metrics, data_collator=DataCollatorWithPadding(tokenizer))
        # run_glue.py, "Training" and "Evaluation" blocks.
        metrics = trainer.train().metrics
        metrics["train_samples"] = len(train)
        trainer.save_model()
        trainer.save_metrics("train", metrics)
        trainer.save_state()
        metrics = trainer.evaluate(eval_dataset=dev)
        metrics["eval_samples"] = len(dev)
        trainer.save_metrics("eval", metrics)

        os.makedirs(args.out, exist_ok=True)
        for name in FILES:
            shutil.copyfile(os.path.join(work, name), os.path.join(args.out, name))
        checkpoint = os.path.join(work, f"checkpoint-{SETTINGS['save_steps']}", "trainer_state.json")
        shutil.copyfile(checkpoint, os.path.join(args.out, "checkpoint-trainer_state.json"))

    provenance = {
        "generator": "scripts/reference/hf_trainer_outputs.py",
        "transformers": transformers.__version__, "torch": torch.__version__,
        "python": platform.python_version(),
        "sequence": "run_glue.py: train, save_metrics('train'), save_state, evaluate, save_metrics('eval')",
        "model": {k: getattr(config, k) for k in ["hidden_size", "num_hidden_layers", "num_attention_heads",
                                                  "intermediate_size", "num_labels"]},
        "data": {"train": f"first {TRAIN_ROWS} rows of SST-2 train.tsv", "eval": f"first {EVAL_ROWS} rows of SST-2 dev.tsv"},
        "training_arguments": SETTINGS,
        "checkpoint-trainer_state.json": f"checkpoint-{SETTINGS['save_steps']}/trainer_state.json",
    }
    with open(os.path.join(args.out, "provenance.json"), "w", encoding="utf-8") as f:
        json.dump(provenance, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {', '.join(FILES)}, checkpoint-trainer_state.json, provenance.json to {args.out} "
          f"(transformers {transformers.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
