// The node flags the standalone registry runs with (apps/standalone/node-flags), for the benchmarks
// that start it: they measure the process `npm start` runs.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function standaloneNodeFlags() {
  const file = join(resolve(import.meta.dirname, '..'), 'apps/standalone/node-flags');
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}
