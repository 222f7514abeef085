#!/usr/bin/env bash
# Training parity on real data: bermo finetune vs the PyTorch reference script, SST-2, same examples and
# hyper-parameters, 3 seeds each, both heads. Prints one JSON line per run and a summary table.
#   scripts/bench/finetune_parity.sh [samples] [epochs]      (defaults: 4000 rows, 2 epochs; PARITY_THREADS=1 for a busy machine)
# PARITY_IMPLS=bermo reruns only bermo's side (e.g. after a runtime change), appending to PARITY_OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
samples="${1:-4000}"; epochs="${2:-2}"
venv="${BERMO_REF_VENV:-$HOME/.cache/bermo/refvenv}"
data="${BERMO_DATA:-$(cd .. && pwd)/shared/data}"
swift build -c release --product bermo >/dev/null
model_dir="$(.build/release/bermo model fetch minilm-l6 2>/dev/null)"
common=(--max-train-samples "$samples" --num-train-epochs "$epochs" --learning-rate 3e-5 --warmup-ratio 0.1
        --weight-decay 0.01 --per-device-train-batch-size 32 --max-seq-length 128 --threads "${PARITY_THREADS:-2}")
out="${PARITY_OUT:-$(mktemp)}"
for head in bert bermo; do
  for seed in 1 2 3; do
    dir="$(mktemp -d)"
    .build/release/bermo finetune --train "$data/glue/SST-2/train.tsv" --dev "$data/glue/SST-2/dev.tsv" \
      --head "$head" --seed "$seed" "${common[@]}" --output-dir "$dir" >/dev/null 2>&1
    python3 -c "import json,sys; r=json.load(open('$dir/eval_results.json')); print(json.dumps({'impl':'bermo','head':'$head','seed':$seed,'accuracy':r['metrics']['accuracy'],'examples_per_s':r['train_examples_per_second'],'train_seconds':r['train_seconds']}))" | tee -a "$out"
    rm -rf "$dir"
    [ "${PARITY_IMPLS:-bermo,pytorch}" = bermo ] && continue
    "$venv/bin/python" scripts/reference/finetune_torch.py --model-dir "$model_dir" --train "$data/glue/SST-2/train.tsv" \
      --dev "$data/glue/SST-2/dev.tsv" --head "$head" --seed "$seed" "${common[@]}" 2>/dev/null | tee -a "$out"
  done
done
python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\n| head | bermo dev acc (mean ± std, 3 seeds) | PyTorch dev acc | difference |\n|---|---:|---:|---:|")
for head in ("bert", "bermo"):
    a = [r["accuracy"] * 100 for r in rows if r["impl"] == "bermo" and r["head"] == head]
    b = [r["accuracy"] * 100 for r in rows if r["impl"] == "pytorch" and r["head"] == head]
    if len(a) > 1 and len(b) > 1:
        print(f"| {head} | {statistics.mean(a):.2f} ± {statistics.stdev(a):.2f} | {statistics.mean(b):.2f} ± {statistics.stdev(b):.2f} | {statistics.mean(a) - statistics.mean(b):+.2f} |")
PY
