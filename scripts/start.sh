#!/usr/bin/env bash
# Installs and runs the registry in standalone mode: one process, no servers to install.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node tools/build-app.mjs apps/standalone
node tools/build-app.mjs apps/console   # the web console, served under /console/
exec node --enable-source-maps dist/apps/standalone/main.js
