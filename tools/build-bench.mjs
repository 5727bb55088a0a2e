// Bundles a TypeScript benchmark (and the libs it imports) into one file under dist/, with the same
// esbuild options as tools/build-app.mjs: bench/x.bench.ts becomes dist/bench/x.bench.js.
// Usage: node tools/build-bench.mjs bench/<name>.bench.ts
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const entry = process.argv[2];
if (!entry?.endsWith('.ts')) throw new Error('usage: build-bench.mjs <benchmark .ts file>');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, join(root, target)]));

await build({
  entryPoints: [resolve(root, entry)],
  outfile: join(root, 'dist', relative(root, resolve(root, entry)).replace(/\.ts$/, '.js')),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  alias,
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
});
