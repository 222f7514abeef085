#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for testing `bermo submit slurm` (docs/cluster-testing.md).
#
#   scripts/slurm/local-cluster.sh start  <state-dir>   install slurm-wlm + munge if absent, start munged,
#                                                        slurmctld and slurmd, wait until the node is idle
#   scripts/slurm/local-cluster.sh stop   <state-dir>   cancel its jobs, stop the daemons it started, wait
#   scripts/slurm/local-cluster.sh status <state-dir>   sinfo and squeue
#
# Everything lives in <state-dir>: slurm.conf, the munge key and socket, Slurm's state and spool, logs and
# pid files. Nothing under /etc is read or written, so the cluster does not disturb (nor depend on) a
# system Slurm or munged. Clients find it through SLURM_CONF: `start` prints the line to eval, and
# <state-dir>/env holds it too (`. <state-dir>/env`). Slurm's ports are picked free at start, so two
# clusters can run side by side. Must run as root (the daemons and the jobs run as root).
#
# Idempotent: `start` on a running cluster only waits for it; `stop` on a stopped (or never started, or
# half started) one does what is left. Every failure says what failed and prints the daemons' log tails;
# a `start` that fails stops whatever it had started.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status <state-dir>" >&2; exit 2; }

# Close every descriptor inherited above stderr (but bash's own handle on this script): the daemons started
# here would otherwise hold them for their whole life, and a caller waiting for EOF on one (a pipe, or the
# socket a test harness watches this process's end through) would wait forever.
self=$(readlink -f "$0")
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  [ "$fd" -gt 2 ] 2>/dev/null || continue
  [ "$(readlink -f "/proc/$$/fd/$fd" 2>/dev/null)" = "$self" ] && continue
  eval "exec $fd>&-" 2>/dev/null || true
done
[ $# -eq 2 ] || usage
action=$1
if [ ! -d "$2" ]; then
  [ "$action" = start ] || { echo "local-cluster: $2: no such state directory (nothing to $action)" >&2; exit 0; }
  mkdir -p "$2"
fi
S=$(cd "$2" && pwd -P)
CONF=$S/slurm.conf
NODE=$(hostname -s)
START_TIMEOUT=${LOCAL_CLUSTER_START_TIMEOUT:-90}   # seconds for the node to turn idle
STOP_TIMEOUT=${LOCAL_CLUSTER_STOP_TIMEOUT:-30}     # seconds for each daemon to exit after SIGTERM
export SLURM_CONF=$CONF

log() { echo "local-cluster: $*" >&2; }

tails() {
  local f
  for f in "$S/munge/munged.log" "$S/log/slurmctld.log" "$S/log/slurmd.log"; do
    [ -s "$f" ] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 25 "$f" >&2
  done
}

# fail MESSAGE: say what failed, show the logs, and stop what this start brought up.
fail() {
  log "FAILED: $*"
  tails
  if [ "$action" = start ]; then
    log "stopping what was started"
    stop_all || true
  fi
  exit 1
}

# running PID: whether the process exists and is no zombie.
. "$(dirname "$self")/../lib/processes.sh"

# The pid in a pid file when that process is alive (and is the daemon named), else nothing.
live_pid() {
  local file=$1 name=$2 pid
  [ -s "$file" ] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [ -n "$pid" ] && running "$pid" || return 1
  # A reused pid belongs to something else: check the command name.
  grep -q "$name" "/proc/$pid/comm" 2>/dev/null || return 1
  echo "$pid"
}

# ---- install ---------------------------------------------------------------------------------------
install_if_absent() {
  local missing=()
  for b in munged munge slurmctld slurmd sbatch scontrol sinfo squeue scancel; do
    command -v "$b" >/dev/null 2>&1 || missing+=("$b")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "missing ${missing[*]}; installing slurm-wlm and munge needs root"
  log "installing slurm-wlm and munge (missing: ${missing[*]})"
  # Keep the packages' postinst from starting the system daemons (they would read /etc/slurm).
  local policy=/usr/sbin/policy-rc.d made_policy=""
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy && made_policy=1
  fi
  local out rc=0
  out=$( { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold slurm-wlm munge; } 2>&1 ) || rc=$?
  [ -n "$made_policy" ] && rm -f $policy
  if [ $rc -ne 0 ]; then
    echo "$out" | tail -n 30 >&2
    fail "apt-get install slurm-wlm munge (exit $rc)"
  fi
}

# ---- config ----------------------------------------------------------------------------------------
port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

pick_ports() {
  local base
  for base in 6817 16817 26817 36817 46817; do
    if port_free "$base" && port_free $((base + 1)); then CTLD_PORT=$base; SLURMD_PORT=$((base + 1)); return 0; fi
  done
  fail "no free pair of ports for slurmctld/slurmd (tried 6817, 16817, ... 46817)"
}

write_conf() {
  local cpus mem_mb
  cpus=$(nproc)
  mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
  # slurmd reports slightly less than MemTotal on some kernels; a node claiming more than it has is INVALID.
  mem_mb=$((mem_mb * 95 / 100))
  pick_ports
  mkdir -p "$S/ctld" "$S/spool" "$S/log" "$S/run"
  cat >"$CONF.tmp" <<EOF
# Written by scripts/slurm/local-cluster.sh: a one-node test cluster, everything under $S.
ClusterName=bermo-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
# cred_expire: also how long a requeued job waits before it may start again (default 120 s).
AuthInfo=socket=$S/munge/munge.socket,cred_expire=10
CredType=cred/munge
StateSaveLocation=$S/ctld
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups (none to delegate in a container): plain process tracking, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Several 1-CPU tasks share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
# No accounting, no database: sacct has nothing here; poll scontrol instead.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Requeue: jobs may be requeued (scontrol requeue), a node that was down comes back by itself.
JobRequeue=1
ReturnToService=2
# Short timeouts: a test waits seconds, not minutes.
SlurmctldTimeout=10
SlurmdTimeout=10
MessageTimeout=10
InactiveLimit=0
KillWait=5
Waittime=0
# Requeued jobs append to their output file (a test counts what every attempt printed).
JobFileAppend=1
# Finished jobs stay visible to scontrol for 10 minutes (there is no sacct).
MinJobAge=600
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=local Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
  echo "export SLURM_CONF=$CONF" >"$S/env"
}

# ---- daemons ---------------------------------------------------------------------------------------
start_munged() {
  local M=$S/munge
  if live_pid "$M/munged.pid" munged >/dev/null; then return 0; fi
  mkdir -p "$M"
  # munged insists that the socket's directory is not writable by others and the key readable by its owner only.
  chmod 755 "$S" "$M"
  if [ ! -s "$M/munge.key" ]; then
    if command -v mungekey >/dev/null 2>&1; then
      mungekey --create --keyfile="$M/munge.key" --force >/dev/null 2>&1 || fail "mungekey --create"
    else
      dd if=/dev/urandom of="$M/munge.key" bs=1 count=1024 2>/dev/null || fail "writing the munge key"
    fi
  fi
  chmod 400 "$M/munge.key"
  rm -f "$M/munge.socket" "$M/munge.socket.lock"
  munged --force --socket="$M/munge.socket" --key-file="$M/munge.key" --pid-file="$M/munged.pid" \
    --log-file="$M/munged.log" --seed-file="$M/munged.seed" </dev/null >>"$M/munged.out" 2>&1 || fail "munged did not start"
  local i
  for i in $(seq 50); do
    munge -n -S "$M/munge.socket" 2>/dev/null | unmunge -S "$M/munge.socket" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "munged does not answer on $M/munge.socket"
}

start_slurmctld() {
  live_pid "$S/run/slurmctld.pid" slurmctld >/dev/null && return 0
  # -c: start from a clean state (a test cluster keeps no jobs across starts).
  slurmctld -f "$CONF" -c -L "$S/log/slurmctld.log" </dev/null >>"$S/log/slurmctld.out" 2>&1 \
    || fail "slurmctld exited at start (see $S/log/slurmctld.out)"
}

start_slurmd() {
  live_pid "$S/run/slurmd.pid" slurmd >/dev/null && return 0
  slurmd -f "$CONF" -N "$NODE" -L "$S/log/slurmd.log" </dev/null >>"$S/log/slurmd.out" 2>&1 \
    || fail "slurmd exited at start (see $S/log/slurmd.out)"
}

node_state() { sinfo -h -n "$NODE" -o %t 2>/dev/null | head -n 1; }

wait_idle() {
  local deadline=$((SECONDS + START_TIMEOUT)) state=""
  while [ $SECONDS -lt $deadline ]; do
    state=$(node_state || true)
    case "$state" in
      idle|mix|alloc) return 0 ;;
    esac
    live_pid "$S/run/slurmctld.pid" slurmctld >/dev/null || fail "slurmctld died while starting"
    live_pid "$S/run/slurmd.pid" slurmd >/dev/null || fail "slurmd died while starting"
    # A node left down/drained by an earlier run of this state dir: resume it.
    case "$state" in
      down*|drain*|fail*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
  done
  fail "node $NODE not idle after ${START_TIMEOUT}s (sinfo state: '${state:-no answer}'; $(scontrol show node "$NODE" 2>/dev/null | grep -o 'Reason=.*' || true))"
}

# Processes of this cluster's jobs: slurmstepd and job processes started under this slurm.conf.
job_pids() {
  local p env
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = $$ ] && continue
    env=$(tr '\0' '\n' 2>/dev/null <"/proc/$p/environ") || continue
    grep -qx "SLURM_CONF=$CONF" <<<"$env" || continue
    if grep -q '^slurmstepd' "/proc/$p/comm" 2>/dev/null || grep -q '^SLURM_JOB_ID=' <<<"$env"; then echo "$p"; fi
  done
}

# stop_daemon PIDFILE NAME: SIGTERM, wait, SIGKILL.
stop_daemon() {
  local file=$1 name=$2 pid
  pid=$(live_pid "$file" "$name") || { rm -f "$file"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while running "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if running "$pid"; then
    log "$name (pid $pid) still running ${STOP_TIMEOUT}s after SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while running "$pid"; do sleep 0.1; done
  fi
  rm -f "$file"
}

stop_all() {
  # Jobs first, while slurmctld can still cancel them (SIGTERM, then SIGKILL after KillWait).
  if live_pid "$S/run/slurmctld.pid" slurmctld >/dev/null; then
    local jobs
    jobs=$(squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs >/dev/null 2>&1 || true
      local deadline=$((SECONDS + 15))
      while [ $SECONDS -lt $deadline ] && [ -n "$(job_pids)" ]; do sleep 0.5; done
    fi
  fi
  # Whatever is left of the jobs (slurmd gone, cancel timed out) is killed outright.
  local left
  left=$(job_pids | tr '\n' ' ')
  if [ -n "${left// /}" ]; then
    log "killing leftover job processes: $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
  stop_daemon "$S/run/slurmd.pid" slurmd
  stop_daemon "$S/run/slurmctld.pid" slurmctld
  stop_daemon "$S/munge/munged.pid" munged
  rm -f "$S/munge/munge.socket" "$S/munge/munge.socket.lock"
}

case "$action" in
  start)
    t0=$(date +%s.%N)
    install_if_absent
    if ! live_pid "$S/run/slurmctld.pid" slurmctld >/dev/null || [ ! -s "$CONF" ]; then write_conf; fi
    start_munged
    start_slurmctld
    start_slurmd
    wait_idle
    t1=$(date +%s.%N)
    log "node $NODE idle ($(nproc) CPUs, slurmctld :$(awk -F= '/^SlurmctldPort=/ {print $2}' "$CONF")); started in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')s"
    echo "export SLURM_CONF=$CONF"
    ;;
  stop)
    stop_all
    log "stopped ($S)"
    ;;
  status)
    for d in "munge/munged.pid munged" "run/slurmctld.pid slurmctld" "run/slurmd.pid slurmd"; do
      set -- $d
      if pid=$(live_pid "$S/$1" "$2"); then echo "$2: running (pid $pid)"; else echo "$2: not running"; fi
    done
    if live_pid "$S/run/slurmctld.pid" slurmctld >/dev/null; then
      sinfo || true
      squeue || true
    fi
    ;;
  *) usage ;;
esac
