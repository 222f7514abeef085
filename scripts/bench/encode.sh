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
# bermo under the environment's OpenBLAS kernels, and (when OPENBLAS_CORETYPE pins a family) under the
# kernels OpenBLAS picks for this CPU: each row records its `blas_core`.
.build/release/bermo bench encode --threads "$threads" --data-dir "$data" 2>/dev/null | tee -a "$out"
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  env -u OPENBLAS_CORETYPE .build/release/bermo bench encode --threads "$threads" --data-dir "$data" 2>/dev/null | tee -a "$out"
fi
"$venv/bin/python" scripts/reference/bench_encode_torch.py --model-dir "$model_dir" --data-dir "$data" --threads "$threads" 2>/dev/null | tee -a "$out"
python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
cores = list(dict.fromkeys(r["blas_core"] for r in rows if r["impl"] == "bermo"))
get = lambda impl, wl, core=None: next((r for r in rows if r["impl"] == impl and r["workload"] == wl
                                        and (core is None or r.get("blas_core") == core)), None)
print("\n| workload | OpenBLAS kernels | bermo sentences/s | PyTorch sentences/s | ratio |\n|---|---|---:|---:|---:|")
for core in cores:
    for wl in ("full-32x128", "sst2-2000-real"):
        b, p = get("bermo", wl, core), get("pytorch", wl)
        if b and p:
            print(f"| {wl} | {core} | {b['sentences_per_s']:.1f} | {p['sentences_per_s']:.1f} | {b['sentences_per_s'] / p['sentences_per_s']:.2f}x |")
for core in cores:
    for r in rows:
        if r["workload"].startswith("sgemm") and r.get("blas_core") == core:
            print(f"| {r['workload']} (sgemm ceiling) | {core} | {r['gflops']:.0f} GFLOP/s | | |")
    full = get("bermo", "full-32x128", core)
    if full:
        print(f"| full-32x128 achieved | {core} | {full['gflops']:.0f} GFLOP/s | | |")
PY
rm -f "$out"
