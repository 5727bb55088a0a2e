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
