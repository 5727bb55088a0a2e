#!/usr/bin/env bash
# Throughput and end-to-end lag of the event pipeline (outbox → JetStream → audit worker) with one
# and two audit-worker replicas, 10,000 events each; --stages also times each stage alone.
# Usage: bash scripts/bench-audit.sh [--events N] [--per-transaction N] [--writers N] [--replicas 1,2] [--stages]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
node tools/build-app.mjs apps/audit-worker
node tools/build-app.mjs bench/audit-pipeline.bench.ts
exec node --enable-source-maps dist/bench/audit-pipeline.bench.js "$@"
