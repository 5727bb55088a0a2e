#!/usr/bin/env bash
# Latency of the management API's repository and tag lists over a large catalogue
# (100 organizations x 100 repositories x 20 tags) in a standalone registry.
# Usage: bash scripts/bench-list.sh [--requests N] [--warmup N]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node tools/build-app.mjs apps/standalone
exec node bench/manage-list-bench.mjs "$@"
