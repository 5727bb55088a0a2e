// Bundles an app's TypeScript (and the libs it imports) into one file under dist/; packages in
// node_modules stay external. Nest DI here never relies on emitted type metadata (every injection
// names its token), so esbuild's transpile-only build is complete.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const projectRoot = process.argv[2];
if (!projectRoot) throw new Error('usage: build-app.mjs <project root>');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [target]]) => [name, join(root, target)]));

await build({
  entryPoints: [join(root, projectRoot, 'src/main.ts')],
  outfile: join(root, 'dist', projectRoot, 'main.js'),
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
