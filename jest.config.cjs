// Every project's Jest config, run as one Jest invocation so that one summary closes the run.
const fs = require('node:fs');
const path = require('node:path');

function findConfigs(dir, depth) {
  if (depth < 0 || !fs.existsSync(dir)) return [];
  const here = path.join(dir, 'jest.config.cjs');
  if (dir !== __dirname && fs.existsSync(here)) return [here];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
    .flatMap((e) => findConfigs(path.join(dir, e.name), depth - 1));
}

module.exports = {
  projects: ['apps', 'libs', 'tests'].flatMap((d) => findConfigs(path.join(__dirname, d), 2)),
  // A run of several projects reads the timeout from here only (a project's own testTimeout is
  // ignored): end-to-end steps with real servers and docker need more than Jest's 5 s under load.
  testTimeout: 120_000,
};
