# Process helpers shared by the scripts that start and stop daemons for tests (scripts/slurm/local-cluster.sh,
# scripts/browser/chromium.sh). Sourced, not run.

# Whether process $1 runs: exists and is no zombie. (A daemon's parent may be a process that does not reap
# it, e.g. a test runner that is a child subreaper: its ended daemons stay zombies until that runner exits.)
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat:0:1}" != Z ]
}
