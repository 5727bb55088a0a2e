// Bundles an app's TypeScript (and the libs it imports) into one file under dist/; packages in
// node_modules stay external. Nest DI here never relies on emitted type metadata (every injection
// names its token), so esbuild's transpile-only build is complete.
// Usage: build-app.mjs apps/<app>            → dist/apps/<app>/main.js
//        build-app.mjs bench/<name>.bench.ts → dist/bench/<name>.bench.js (a benchmark program)
//        build-app.mjs apps/console          → dist/apps/console/ (a web app: a project with a vite.config.mts is built by Vite)
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const target = process.argv[2];
if (!target) throw new Error('usage: build-app.mjs <project root | program .ts file>');
const viteConfig = join(root, target, 'vite.config.mts');
if (!target.endsWith('.ts') && existsSync(viteConfig)) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: viteConfig, logLevel: 'warn' });
  process.exit(0);
}
const program = target.endsWith('.ts');
const entry = program ? resolve(root, target) : join(root, target, 'src/main.ts');
const outfile = program ? join(root, 'dist', relative(root, entry).replace(/\.ts$/, '.js')) : join(root, 'dist', target, 'main.js');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const alias = Object.fromEntries(Object.entries(compilerOptions.paths).map(([name, [path]]) => [name, join(root, path)]));

/**
 * Packages stay external, and an import of one whose bindings end up unused (an adapter this app
 * never picks: S3, BullMQ, NATS in standalone) is dropped rather than loaded at start, which
 * costs memory for nothing. Our code imports no package for its side effects alone.
 */
const externalPackagesWithoutSideEffects = {
  name: 'external-packages-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path in alias) return undefined;
      return { path: args.path, external: true, sideEffects: false };
    });
  },
};

const { outputFiles } = await build({
  entryPoints: [entry],
  // Written below, each file replaced in one rename: a process starting meanwhile loads the old bundle or the new, never half of one.
  write: false,
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  packages: 'external',
  alias,
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
  plugins: [externalPackagesWithoutSideEffects],
});
for (const file of outputFiles) {
  if (file.path.endsWith('.js')) assertAscii(file);
  mkdirSync(dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
// The node flags an app runs with, beside its bundle: the image runs it with them (deploy/Dockerfile).
const nodeFlags = join(root, target, 'node-flags');
if (!program && existsSync(nodeFlags)) copyFileSync(nodeFlags, join(dirname(outfile), 'node-flags'));

/**
 * V8 keeps the source of every module it loads, one byte a character only when all of it is
 * Latin-1: one other character anywhere (esbuild escapes them in strings, not in the comments it
 * keeps) doubles the bundle's share of the heap for as long as the app runs.
 */
function assertAscii(file) {
  const at = file.contents.findIndex((byte) => byte > 0x7f);
  if (at < 0) return;
  const line = file.contents.subarray(0, at).filter((byte) => byte === 0x0a).length + 1;
  throw new Error(`${relative(root, file.path)}:${line}: a character outside ASCII (in a comment?) would make V8 keep the bundle's source at two bytes a character`);
}
