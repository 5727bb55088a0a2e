#!/usr/bin/env bash
# Benchmarks the standalone registry against CNCF Distribution (Debian's docker-registry) side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if ! command -v wrk >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
fi
node tools/build-app.mjs apps/standalone
exec node bench/registry-bench.mjs "$@"
