const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  const root = join(__dirname, '../../../..');
  for (const app of ['apps/standalone', 'apps/gateway', 'apps/metadata']) {
    execFileSync(process.execPath, [join(root, 'tools/build-app.mjs'), app], { cwd: root, stdio: 'inherit' });
  }
};
