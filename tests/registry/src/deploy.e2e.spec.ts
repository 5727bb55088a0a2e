import { run } from '@swr/testing';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const documentedVariables = new Set([...readme.matchAll(/`(SWR_[A-Z0-9_]+)`/g)].map((m) => m[1]));
/** What the apps' config schemas read: every SWR_ key named in an app's config or in an environment fragment they include. */
const configFiles = [
  ...readdirSync(join(ROOT, 'apps')).map((app) => join(ROOT, 'apps', app, 'src/config.ts')),
  ...readdirSync(join(ROOT, 'libs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('-environment.ts'))
    .map((file) => join(ROOT, 'libs', file)),
].filter((file) => existsSync(file));
const readVariables = new Set(configFiles.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\b(SWR_[A-Z0-9_]+)\b/g)].map((m) => m[1])));

/** The README's settings table: which apps read each variable (`all` for every one). */
function readersByVariable(): Map<string, Set<string>> {
  const readers = new Map<string, Set<string>>();
  for (const row of readme.split('\n').filter((line) => line.startsWith('| `SWR_'))) {
    const [variables, usedBy] = row.split(' | ');
    const apps = new Set(usedBy.split(',').map((app) => app.replace(/\(.*\)/, '').trim()));
    for (const [, variable] of variables.matchAll(/`(SWR_[A-Z0-9_]+)`/g)) readers.set(variable, apps);
  }
  return readers;
}

describe('deployment files', () => {
  it('documents in the README every variable an app reads', () => {
    expect([...readVariables].filter((v) => !documentedVariables.has(v))).toEqual([]);
  });

  it('docker-compose.yml is valid and sets only variables the apps read', async () => {
    const result = await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], process.env);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const compose = parseAllDocuments(result.stdout)[0].toJS();
    expect(Object.keys(compose.services).sort()).toEqual(['audit-worker', 'gateway', 'iam', 'metadata', 'minio', 'nats', 'postgres', 'redis', 'retention-worker', 'sync-worker', 'trigger-worker']);
    for (const name of ['gateway', 'metadata', 'iam', 'audit-worker', 'trigger-worker', 'retention-worker', 'sync-worker']) {
      const variables = Object.keys(compose.services[name].environment).filter((v) => v.startsWith('SWR_'));
      expect(variables.filter((v) => !readVariables.has(v))).toEqual([]);
      expect(compose.services[name].command.join(' ')).toContain(`dist/apps/${name}/main.js`);
    }
  });

  it('docker-compose.yml and the README agree on which app reads which variable, and a shared one has one value', async () => {
    const compose = parseAllDocuments((await run('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config'], process.env)).stdout)[0].toJS();
    const apps = ['gateway', 'metadata', 'iam', 'audit-worker', 'trigger-worker', 'retention-worker', 'sync-worker'];
    const readers = readersByVariable();
    const settings = (app: string): Record<string, string> => compose.services[app].environment;
    for (const app of apps) {
      for (const variable of Object.keys(settings(app)).filter((v) => v.startsWith('SWR_'))) {
        const readBy = readers.get(variable);
        expect([variable, app, readBy?.has(app) || readBy?.has('all')]).toEqual([variable, app, true]);
        // Every other app in compose that reads it is given it too, with the same value.
        for (const other of apps.filter((a) => readBy?.has(a))) expect([variable, other, settings(other)[variable]]).toEqual([variable, other, settings(app)[variable]]);
      }
    }
  });

  it('Kubernetes manifests parse, run built apps and set only variables the apps read', () => {
    const dir = join(ROOT, 'deploy/kubernetes');
    const documents = readdirSync(dir).flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS()));
    const deployments = documents.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(['swr-audit-worker', 'swr-gateway', 'swr-iam', 'swr-metadata', 'swr-retention-worker', 'swr-sync-worker', 'swr-trigger-worker']);
    for (const deployment of deployments) {
      const command: string[] = deployment.spec.template.spec.containers[0].command;
      const app = /dist\/apps\/([a-z-]+)\/main\.js/.exec(command.join(' '))?.[1];
      expect(app && existsSync(join(ROOT, 'apps', app, 'src/main.ts'))).toBe(true);
    }
    const configured = documents.filter((d) => d.kind === 'ConfigMap' || d.kind === 'Secret').flatMap((d) => Object.keys(d.data ?? d.stringData));
    expect(configured.filter((v) => !readVariables.has(v))).toEqual([]);
  });
});
