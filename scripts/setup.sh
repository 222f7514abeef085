#!/usr/bin/env bash
# Installs what bermo needs on Debian: OpenBLAS, OpenSSL's libcrypto and libyaml (with pkg-config).
# Idempotent: does nothing when they are already present. Swift itself must be installed (the
# project's machines have 6.3).
set -euo pipefail
need=()
pkg-config --exists openblas 2>/dev/null || need+=(libopenblas-dev)
pkg-config --exists libcrypto 2>/dev/null || need+=(libssl-dev)
pkg-config --exists yaml-0.1 2>/dev/null || need+=(libyaml-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "bermo setup: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "bermo setup: swift is not on PATH; install Swift 6.x (https://swift.org/install)" >&2; exit 1; }
