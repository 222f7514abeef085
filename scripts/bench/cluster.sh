#!/usr/bin/env bash
# The same suite run by one local `bermo run` and as a Slurm array on a one-node cluster of this machine
# (scripts/slurm/local-cluster.sh; stopped at the end, also on failure): wall times, the time from `sbatch`
# to the first task running and to the first job leased, and whether the metrics are identical.
#   scripts/bench/cluster.sh [suite.yaml] [array tasks]     (default: suites/quickstart.yaml, 3)
# Needs a release build (`swift build -c release --product bermo`) and root (the daemons run as root).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
suite="$(realpath "${1:-$repo/suites/quickstart.yaml}")"
tasks="${2:-3}"
bermo="$repo/.build/release/bermo"
[ -x "$bermo" ] || { echo "no $bermo: run swift build -c release --product bermo" >&2; exit 2; }
work="$(mktemp -d /tmp/bermo-bench-cluster-XXXX)"
state="$work/slurm"
trap 'bash "$repo/scripts/slurm/local-cluster.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; suite $(basename "$suite")"
cores="$(nproc)"

# Each run gets its own empty cache (the model linked in), so neither finds features the other computed.
models="${BERMO_CACHE:-$HOME/.cache/bermo}/models"
"$bermo" model fetch minilm-l6 > /dev/null
fresh_cache() { mkdir -p "$work/cache-$1" && ln -s "$models" "$work/cache-$1/models" && echo "$work/cache-$1"; }

t0="$(now)"
BERMO_CACHE="$(fresh_cache local)" "$bermo" run "$suite" --output-dir "$work/local" --threads "$cores" > "$work/local.log" 2>&1
echo "local bermo run --threads $cores: $(since "$t0") s"

eval "$(bash "$repo/scripts/slurm/local-cluster.sh" start "$state" 2>/dev/null)"
export SLURM_CONF
BERMO_CACHE="$(fresh_cache array)"; export BERMO_CACHE
t0="$(now)"
"$bermo" submit slurm "$suite" --output-dir "$work/array" --array "$tasks" --cpus-per-task 1 --time 02:00:00 > "$work/submit.log" 2>&1
submitted="$(since "$t0")"
read -r array finalize < <(sed -n 's/.*submitted array job \([0-9]*\) ([0-9]* tasks) and finalize job \([0-9]*\).*/\1 \2/p' "$work/submit.log")
[ -n "${finalize:-}" ] || { cat "$work/submit.log" >&2; exit 1; }
first_running="" first_lease=""
while :; do
  if [ -z "$first_running" ] && squeue -h -j "$array" -t RUNNING -o %i 2>/dev/null | grep -q .; then first_running="$(since "$t0")"; fi
  if [ -z "$first_lease" ] && ls "$work/array/jobs/"*.lease >/dev/null 2>&1; then first_lease="$(since "$t0")"; fi
  state_line="$(scontrol -o show job "$finalize" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || true)"
  case "$state_line" in JobState=COMPLETED|JobState=FAILED|JobState=CANCELLED|JobState=TIMEOUT) break ;; esac
  sleep 0.2
done
echo "array of $tasks x 1 CPU ($cores CPUs on the node): $(since "$t0") s from submit to finalize done ($state_line);" \
     "submit command ${submitted} s, first task running ${first_running:-?} s, first job leased ${first_lease:-?} s"

# Identical metrics: every job's status and metrics in both results.json files, digit for digit.
python3 - "$work/local/results.json" "$work/array/results.json" <<'PY'
import json, sys
a, b = ({j["id"]: (j["status"], j.get("metrics")) for j in json.load(open(f))["jobs"]} for f in sys.argv[1:])
print(f"metrics identical ({len(a)} jobs)" if a == b else f"metrics DIFFER: {a} vs {b}")
sys.exit(0 if a == b else 1)
PY
