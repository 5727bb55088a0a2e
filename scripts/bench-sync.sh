#!/usr/bin/env bash
# Image sync between two local standalone deployments: 1 GiB across 20 images copied by the sync
# worker and by `skopeo sync` between the same two registries; time and MiB/s side by side.
# Usage: bash scripts/bench-sync.sh [--images N] [--mib N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
node tools/build-app.mjs apps/standalone
node tools/build-app.mjs bench/sync.bench.ts
exec node --enable-source-maps dist/bench/sync.bench.js "$@"
