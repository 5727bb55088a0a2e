// The node flags and environment the standalone registry runs with (apps/standalone/node-flags and
// node-env), for the benchmarks that start it: they measure the process `npm start` runs.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

function settings(name) {
  const file = join(resolve(import.meta.dirname, '..'), 'apps/standalone', name);
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

export function standaloneNodeFlags() {
  return settings('node-flags');
}

/** Its environment variables, to spread over the child's `env`. */
export function standaloneNodeEnv() {
  return Object.fromEntries(settings('node-env').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
}
