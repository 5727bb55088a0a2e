#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, type-checks and lints
# every project, then runs every Jest project (unit, contract, integration and end-to-end) in one
# Jest run, closing with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true

npx nx run-many -t typecheck lint --outputStyle=static

mkdir -p tmp
status=0
npx jest --ci --maxWorkers=2 --json --outputFile=tmp/jest-results.json "$@" || status=$?
node -e '
  const r = require("./tmp/jest-results.json");
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || status=1
exit $status
