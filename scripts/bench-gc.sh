#!/usr/bin/env bash
# Online garbage collection over 100,000 small blobs (half unreferenced) in a standalone registry:
# its duration, blobs freed per second, and pushes/s during it against pushes/s without.
# Usage: bash scripts/bench-gc.sh [--blobs N] [--concurrency N] [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
node tools/build-app.mjs apps/standalone
node tools/build-app.mjs bench/gc.bench.ts
exec node --enable-source-maps dist/bench/gc.bench.js "$@"
