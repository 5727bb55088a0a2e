import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');
const FILE = 'apps/console/src/api/schema.ts';

describe("the console's generated API types", () => {
  it('match the OpenAPI document the gateway serves (regenerate with tools/console-api-types.ts when this fails)', () => {
    // openapi-typescript loads ES modules Jest cannot: the generator runs as its own program, as a developer runs it.
    execFileSync(process.execPath, ['tools/build-app.mjs', 'tools/console-api-types.ts'], { cwd: ROOT });
    const fresh = execFileSync(process.execPath, ['dist/tools/console-api-types.js', '--stdout'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const committed = readFileSync(join(ROOT, FILE), 'utf8');
    // Compared as a verdict, not with toEqual: a diff of two 5,000-line strings helps less than the command does.
    const verdict = fresh === committed ? 'current' : `${FILE} is stale: run node tools/build-app.mjs tools/console-api-types.ts && node dist/tools/console-api-types.js`;
    expect(verdict).toBe('current');
  });
});
