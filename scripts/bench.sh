#!/usr/bin/env bash
# Benchmarks the standalone registry against CNCF Distribution (Debian's docker-registry) side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
node tools/build-app.mjs apps/standalone
exec node bench/registry-bench.mjs "$@"
