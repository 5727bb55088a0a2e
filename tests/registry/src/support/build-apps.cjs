const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

/** Every app under apps/ is built (services and the console), so a new one can never be missing from a fresh checkout's run. */
module.exports = async () => {
  const root = join(__dirname, '../../../..');
  const apps = readdirSync(join(root, 'apps')).filter((app) => ['src/main.ts', 'vite.config.mts'].some((file) => existsSync(join(root, 'apps', app, file))));
  for (const app of apps) {
    execFileSync(process.execPath, [join(root, 'tools/build-app.mjs'), `apps/${app}`], { cwd: root, stdio: 'inherit' });
  }
};
