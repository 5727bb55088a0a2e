#!/usr/bin/env bash
# Installs and runs the registry in standalone mode: one process, no servers to install.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node tools/build-app.mjs apps/standalone
node tools/build-app.mjs apps/console   # the web console, served under /console/
# The flags and environment it runs with are kept in two files, which the tests and benchmarks read too.
exec env $(grep -v -e '^#' -e '^$' apps/standalone/node-env) node $(grep -v -e '^#' -e '^$' apps/standalone/node-flags) dist/apps/standalone/main.js
