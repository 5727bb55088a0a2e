#!/usr/bin/env bash
# Scale-out on this machine: manifest GETs through 1, 2 and 3 gateways (and the latency the
# distributed mode adds over standalone on the same request), then webhook deliveries with 1, 2 and
# 3 trigger workers (the trigger benchmark). Figures, not a test: each line says how busy the machine was.
# Usage: bash scripts/bench-scale.sh [--seconds N] [--tags N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
for app in apps/*/; do node tools/build-app.mjs "${app%/}"; done
node tools/build-app.mjs bench/scale.bench.ts
node tools/build-app.mjs bench/trigger-deliveries.bench.ts
seconds=5 tags=500
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --tags) tags=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
node --enable-source-maps dist/bench/scale.bench.js --replicas 1,2,3 --seconds "$seconds"
echo
node --enable-source-maps dist/bench/trigger-deliveries.bench.js --replicas 1,2,3 --tags "$tags"
