#!/usr/bin/env bash
# Benchmarks our registry against CNCF Distribution (Debian's docker-registry) side by side: the
# standalone registry, or with --distributed the distributed one (S3 blobs, gateways over NATS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [[ " $* " == *" --distributed "* ]]; then
  # Every service app: the distributed registry starts all its workers.
  for app in apps/*/; do
    [ -f "${app}src/main.ts" ] && node tools/build-app.mjs "${app%/}"
  done
  node tools/build-app.mjs bench/distributed-registry.ts
else
  node tools/build-app.mjs apps/standalone
fi
exec node bench/registry-bench.mjs "$@"
