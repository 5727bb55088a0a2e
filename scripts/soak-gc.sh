#!/usr/bin/env bash
# The push-vs-GC soak for as long as wanted (npm test runs it for 40 s): concurrent pushes sharing
# layers, deletes and collections every two seconds in a distributed registry.
# Usage: bash scripts/soak-gc.sh [seconds, default 300]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
SWR_SOAK_SECONDS="${1:-300}" exec npx jest tests/registry/src/gc-soak.e2e.spec.ts
