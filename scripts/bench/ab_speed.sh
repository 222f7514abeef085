#!/usr/bin/env bash
# Speed A/B of two bermo release binaries with PyTorch in the same run, alternating, two rounds:
# encode (bench encode / bench_encode_torch.py) and training steps (bench train / finetune_torch.py --speed).
#   scripts/bench/ab_speed.sh <bermo A> <bermo B> [threads]    -> JSON lines tagged "build": "A" | "B" | "torch"
# Needs the reference virtualenv (scripts/reference/setup_venv.sh), the model in the cache and the data directory.
set -uo pipefail
cd "$(dirname "$0")/../.."
A="$1"; B="$2"; threads="${3:-2}"
py="${BERMO_REF_VENV:-$HOME/.cache/bermo/refvenv}/bin/python"
data="${BERMO_DATA:-$(cd .. && pwd)/shared/data}"
model="$("$B" model fetch minilm-l6 2>/dev/null)"
tag() { sed "s/^{/{\"build\":\"$1\",\"round\":$2,/"; }
for round in 1 2; do
  for side in A B; do bin="${!side}"; "$bin" bench encode --threads "$threads" --data-dir "$data" 2>/dev/null | tag "$side" "$round"; done
  "$py" scripts/reference/bench_encode_torch.py --model-dir "$model" --data-dir "$data" --threads "$threads" 2>/dev/null | tag torch "$round"
  for side in A B; do bin="${!side}"; "$bin" bench train --threads "$threads" --reps 3 2>/dev/null | tag "$side" "$round"; done
  for shape in 32x128 32x64; do for head in bert bermo; do
    "$py" scripts/reference/finetune_torch.py --model-dir "$model" --speed "$shape" --threads "$threads" --head "$head" 2>/dev/null \
      | sed "s/^{/{\"head\":\"$head\",/" | tag torch "$round"
  done; done
done
