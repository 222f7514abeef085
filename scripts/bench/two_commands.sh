#!/usr/bin/env bash
# Times the README's two commands (`make test`, `make run`) for each given revision, each from a clean clone
# with an empty model cache, one after the other. Clones go to a temporary folder beside this checkout, so
# `../shared` resolves for the tests as on CI.
#   scripts/bench/two_commands.sh 48adb49 main      -> a line per revision and command on stdout
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "$(dirname "$repo")/bermo-times-XXXX")"
trap 'rm -rf "$work"' EXIT
for rev in "$@"; do
  for cmd in test run; do
    dir="$work/$rev-$cmd"; git clone -q "$repo" "$dir"; git -C "$dir" checkout -q "$rev"
    ln -sfn "$(dirname "$repo")/shared" "$work/shared" 2>/dev/null || true
    cache="$(mktemp -d "$work/cache-XXXX")"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    ( cd "$dir" && BERMO_CACHE="$cache" /usr/bin/time -f "%e %U %S" -o "$work/time" make "$cmd" > "$work/$rev-$cmd.log" 2>&1 )
    read -r wall user sys < "$work/time"
    build="$(grep -ho 'complete! ([0-9.]*s)' "$work/$rev-$cmd.log" | head -1)"
    echo "$rev make $cmd: ${wall}s wall, ${user}s user, ${sys}s sys; build $build; load before $load"
  done
done
