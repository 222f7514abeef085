#!/usr/bin/env bash
# Encode benchmark: bermo (release build) and PyTorch/transformers, same machine, same run, same workloads.
#   scripts/bench/encode.sh [threads]     (default 2 threads each)
# Needs the reference virtualenv (scripts/reference/setup_venv.sh) and the data directory ($BERMO_DATA or ../shared/data).
# Prints JSON lines (one per workload and implementation) followed by a Markdown table for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
threads="${1:-2}"
venv="${BERMO_REF_VENV:-$HOME/.cache/bermo/refvenv}"
data="${BERMO_DATA:-$(cd .. && pwd)/shared/data}"
swift build -c release --product bermo >/dev/null
model_dir="$(.build/release/bermo model fetch minilm-l6 2>/dev/null)"
out="$(mktemp)"
.build/release/bermo bench encode --threads "$threads" --data-dir "$data" 2>/dev/null | tee -a "$out"
"$venv/bin/python" scripts/reference/bench_encode_torch.py --model-dir "$model_dir" --data-dir "$data" --threads "$threads" 2>/dev/null | tee -a "$out"
python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
get = lambda impl, wl: next((r for r in rows if r["impl"] == impl and r["workload"] == wl), None)
print("\n| workload | bermo sentences/s | PyTorch sentences/s | ratio |\n|---|---:|---:|---:|")
for wl in ("full-32x128", "sst2-2000-real"):
    b, p = get("bermo", wl), get("pytorch", wl)
    if b and p:
        print(f"| {wl} | {b['sentences_per_s']:.1f} | {p['sentences_per_s']:.1f} | {b['sentences_per_s'] / p['sentences_per_s']:.2f}x |")
for r in rows:
    if r["workload"].startswith("sgemm"):
        print(f"| {r['workload']} (sgemm ceiling) | {r['gflops']:.0f} GFLOP/s | | |")
full = get("bermo", "full-32x128")
if full:
    print(f"| full-32x128 achieved | {full['gflops']:.0f} GFLOP/s | | |")
PY
rm -f "$out"
