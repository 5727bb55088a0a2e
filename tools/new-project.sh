#!/usr/bin/env bash
# Creates the Nx project files for a library or app: tools/new-project.sh <root> <name> <tags...>
set -euo pipefail
root=$1 name=$2; shift 2
tags=$(printf '"%s",' "$@"); tags=${tags%,}
depth=$(echo "$root" | awk -F/ '{print NF}')
up=$(printf '../%.0s' $(seq 1 "$depth"))
mkdir -p "$root/src"
cat > "$root/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "sourceRoot": "$root/src",
  "projectType": "library",
  "tags": [$tags],
  "targets": { "typecheck": {}, "lint": {}, "test": {} }
}
JSON
cat > "$root/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "include": ["src/**/*.ts"]
}
JSON
cat > "$root/jest.config.cjs" <<JS
module.exports = {
  ...require('${up}jest.preset.cjs'),
  displayName: '$name',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
JS
