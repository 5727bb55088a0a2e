#!/usr/bin/env bash
# Benchmarks our registry against CNCF Distribution (Debian's docker-registry) side by side: the
# standalone registry, or with --distributed the distributed one (S3 blobs, gateways over NATS).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
if [[ " $* " == *" --distributed "* ]]; then
  for app in gateway metadata iam audit-worker trigger-worker; do node tools/build-app.mjs "apps/$app"; done
  node tools/build-app.mjs bench/distributed-registry.ts
else
  node tools/build-app.mjs apps/standalone
fi
exec node bench/registry-bench.mjs "$@"
