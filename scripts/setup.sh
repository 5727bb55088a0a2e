#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: npm packages always; with --test, the
# Debian packages of the servers and clients the test suites start (NATS, Docker engine, containerd, skopeo,
# podman, docker-compose, chromium for the console's browser tests) and of the reference registry and load generators the benchmark runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm install --no-audit --no-fund --loglevel=error
fi

if [ "${1:-}" = "--test" ]; then
  declare -A wanted=([nats-server]=nats-server [dockerd]=docker.io [ctr]=containerd [skopeo]=skopeo [podman]=podman [docker-compose]=docker-compose [docker-registry]=docker-registry [wrk]=wrk [ab]=apache2-utils [redis-server]=redis-server [chromium]=chromium)
  missing=()
  for cmd in "${!wanted[@]}"; do command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
