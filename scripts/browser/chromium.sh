#!/usr/bin/env bash
# Headless Chromium for testing bermo's HTML report (Tests/BrowserTests) and for screenshots of it.
#
#   scripts/browser/chromium.sh install                        install Debian's chromium when absent; print the binary
#   scripts/browser/chromium.sh run <seconds> [flags…] [URL]    run it headless, stopped after <seconds> at the latest
#   scripts/browser/chromium.sh screenshot <page.html> <shot.png> [width height]
#
# `run` starts Chromium in a session of its own with the flags every run here needs (headless, a fresh
# profile removed afterwards, no first-run or background network traffic, --no-sandbox when root: Chromium's
# sandbox refuses to run as root) plus the caller's. Descriptors 3 and 4, when the caller opened them, reach
# Chromium for --remote-debugging-pipe (the DevTools protocol over pipes: the test reads console messages,
# the DOM, rendered sizes and a screenshot through it). Chromium and every process it started (zygotes,
# renderers, the GPU process: all in its session) are stopped when it exits, when this script is stopped
# (TERM, INT, HUP) and when <seconds> pass (exit 124, as timeout(1)), so a hung browser or a test process that
# died cannot leave one running. Exit status: Chromium's.
#
# BERMO_CHROMIUM names another binary (a Chrome or Chromium of your own); otherwise Debian's.
set -euo pipefail

usage() { echo "usage: $0 install | run <seconds> [chromium flags…] | screenshot <page.html> <shot.png> [width height]" >&2; exit 2; }
log() { echo "chromium.sh: $*" >&2; }

# The browser binary: $BERMO_CHROMIUM, else Debian's (its /usr/bin/chromium is a wrapper script that reads
# /etc/chromium.d; the binary itself keeps the flags exactly ours).
binary() {
  if [ -n "${BERMO_CHROMIUM:-}" ]; then echo "$BERMO_CHROMIUM"; return 0; fi
  local b
  for b in /usr/lib/chromium/chromium "$(command -v chromium 2>/dev/null || true)"; do
    [ -n "$b" ] && [ -x "$b" ] && { echo "$b"; return 0; }
  done
  return 1
}

# Several tests start browsers at once: one installs while the others wait for it (flock), and apt waits for
# a dpkg lock another installer (local-cluster.sh's Slurm) holds.
install_if_absent() {
  binary >/dev/null && return 0
  [ "$(id -u)" -eq 0 ] || { log "chromium is not installed and installing it needs root: apt-get install chromium"; exit 1; }
  (
    flock 9
    binary >/dev/null && exit 0
    log "installing Debian's chromium"
    out="" rc=0
    out=$( { apt-get -o DPkg::Lock::Timeout=600 update -qq \
             && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium; } 2>&1 ) || rc=$?
    if [ $rc -ne 0 ]; then
      echo "$out" | tail -n 30 >&2
      log "FAILED: apt-get install chromium (exit $rc)"
      exit 1
    fi
    binary >/dev/null || { log "FAILED: chromium installed but no binary found (looked for /usr/lib/chromium/chromium and chromium)"; exit 1; }
  ) 9>"${TMPDIR:-/tmp}/bermo-chromium-install.lock"
}

# running PID: whether the process exists and is no zombie.
. "$(dirname "$(readlink -f "$0")")/../lib/processes.sh"

# Live (non-zombie) processes of session $1.
session_members() {
  local p stat
  for p in /proc/[0-9]*; do
    stat=$(cat "$p/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    # Fields after the command: state ppid pgrp session …
    set -- $stat
    [ "$1" != Z ] && [ "$4" = "$SESSION" ] && echo "${p#/proc/}"
  done
  return 0
}

# Stops Chromium's session: TERM, up to 5 s for it to go, then KILL. Only that session's processes (the ones
# Chromium started) are signalled, by id.
stop_session() {
  [ -n "${SESSION:-}" ] || return 0
  local members
  members=$(session_members | tr '\n' ' ')
  if [ -n "${members// /}" ]; then
    # shellcheck disable=SC2086
    kill -TERM $members 2>/dev/null || true
    local deadline=$((SECONDS + 5))
    while [ $SECONDS -lt $deadline ] && [ -n "$(session_members)" ]; do sleep 0.1; done
    members=$(session_members | tr '\n' ' ')
    # shellcheck disable=SC2086
    [ -z "${members// /}" ] || { log "still running 5 s after SIGTERM: SIGKILL $members"; kill -KILL $members 2>/dev/null || true; }
  fi
  SESSION=""
}

cleanup() {
  stop_session
  [ -n "${PROFILE:-}" ] && rm -rf "$PROFILE"
  return 0
}

run() {
  [ $# -ge 1 ] && [[ $1 =~ ^[0-9]+$ ]] || usage
  local seconds=$1; shift
  install_if_absent
  local bin flags
  bin=$(binary)
  PROFILE=$(mktemp -d "${TMPDIR:-/tmp}/bermo-chromium.XXXXXX")
  flags=(--headless --disable-gpu --no-first-run --no-default-browser-check --disable-extensions --disable-sync
         --disable-background-networking --disable-component-update --disable-default-apps --no-pings
         --disable-dev-shm-usage --hide-scrollbars --mute-audio --user-data-dir="$PROFILE")
  [ "$(id -u)" -ne 0 ] || flags+=(--no-sandbox)
  trap 'cleanup' EXIT
  trap 'cleanup; exit 143' TERM INT HUP
  # setsid: a session (and process group) of its own, so the browser's processes are known by their session.
  # A background job of a non-interactive shell is no group leader, so setsid does not fork: $! is Chromium.
  setsid "$bin" "${flags[@]}" "$@" </dev/null &
  SESSION=$!
  # The caller's pipe ends belong to Chromium alone: with this script holding them too, a caller would never
  # see Chromium's end of the pipe close.
  exec 3<&- 4>&-
  # The watchdog: checks every second whether Chromium still runs, and stops its session at the deadline.
  (
    for ((i = 0; i < seconds; i++)); do sleep 1; running "$SESSION" || exit 0; done
    log "still running after ${seconds}s: stopping it"
    : >"$PROFILE/timed-out"
    stop_session
  ) </dev/null &
  WATCHDOG=$!
  local rc=0
  wait "$SESSION" || rc=$?
  wait "$WATCHDOG" 2>/dev/null || true
  [ ! -e "$PROFILE/timed-out" ] || rc=124
  exit $rc
}

screenshot() {
  [ $# -ge 2 ] || usage
  local page shot
  page=$(readlink -f "$1")
  shot=$(readlink -m "$2")
  [ -f "$page" ] || { log "$1: no such file"; exit 2; }
  run 120 --window-size="${3:-1280},${4:-1600}" --screenshot="$shot" "file://$page" 2>/dev/null
}

[ $# -ge 1 ] || usage
action=$1; shift
case "$action" in
  install) install_if_absent; binary ;;
  run) run "$@" ;;
  screenshot) screenshot "$@" ;;
  *) usage ;;
esac
