#!/usr/bin/env bash
# Webhook triggers end to end in a distributed registry: 1,000 pushed tags each matching one trigger,
# delivered to a receiver on loopback; deliveries/s and push-to-delivery latency p50/p99 with one and
# two trigger-worker replicas.
# Usage: bash scripts/bench-triggers.sh [--tags N] [--concurrency N] [--warmup N] [--replicas 1,2] [--dump FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
for app in gateway metadata iam audit-worker trigger-worker; do node tools/build-app.mjs "apps/$app"; done
node tools/build-app.mjs bench/trigger-deliveries.bench.ts
exec node --enable-source-maps dist/bench/trigger-deliveries.bench.js "$@"
