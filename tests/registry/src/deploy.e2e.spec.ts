import { EVENT_STREAM } from '@swr/contracts';
import { appNodeFlags, run } from '@swr/testing';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
/** Every app, and those that run in a distributed install (standalone is all of them in one process). */
const ALL_APPS = readdirSync(join(ROOT, 'apps'))
  .filter((app) => existsSync(join(ROOT, 'apps', app, 'src/main.ts')))
  .sort();
const DISTRIBUTED_APPS = ALL_APPS.filter((app) => app !== 'standalone');

/** An object of the rendered kustomize base: parsed YAML, read loosely. */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; [field: string]: any };
let rendered: K8sObject[] | undefined;
/** deploy/kubernetes as `kubectl apply -k` would send it, rendered by tools/kubernetes-manifests.mjs (an ES module, so in a child process). */
function renderKubernetes(): K8sObject[] {
  rendered ??= JSON.parse(execFileSync(process.execPath, [join(ROOT, 'tools/kubernetes-manifests.mjs'), 'render', join(ROOT, 'deploy/kubernetes')], { encoding: 'utf8' })) as K8sObject[];
  return rendered;
}

/**
 * The metrics the apps export (every series labelled app), by type: the dashboard may query these
 * only (a histogram through its _bucket, _count and _sum series), so a renamed metric fails here.
 */
const EXPORTED_METRICS: Record<string, 'counter' | 'gauge' | 'histogram'> = {
  swr_http_request_duration_seconds: 'histogram',
  swr_http_request_bytes_total: 'counter',
  swr_http_response_bytes_total: 'counter',
  swr_rpc_client_duration_seconds: 'histogram',
  swr_outbox_backlog_events: 'gauge',
  swr_outbox_oldest_event_age_seconds: 'gauge',
  swr_event_consumer_pending_messages: 'gauge',
  swr_event_consumer_redeliveries_total: 'counter',
  swr_event_consumer_handled_total: 'counter',
  swr_jobs_waiting: 'gauge',
  swr_jobs_active: 'gauge',
  swr_job_duration_seconds: 'histogram',
  swr_blob_store_operation_duration_seconds: 'histogram',
  swr_token_cache_lookups_total: 'counter',
  // prom-client's default metrics
  process_resident_memory_bytes: 'gauge',
  process_cpu_seconds_total: 'counter',
  nodejs_eventloop_lag_p99_seconds: 'gauge',
};
function isExported(metric: string): boolean {
  const histogram = /^(.+)_(bucket|count|sum)$/.exec(metric)?.[1];
  return EXPORTED_METRICS[metric] !== undefined || (histogram !== undefined && EXPORTED_METRICS[histogram] === 'histogram');
}
const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'Inf', 'NaN']);
/** The metric names a PromQL expression reads: identifiers outside strings, matchers, ranges and groupings that do not call a function. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return [...bare.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)].map((m) => m[1]).filter((name) => !PROMQL_KEYWORDS.has(name));
}
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
      // With the node flags the tests and benchmarks run it with.
      expect(compose.services[name].command).toEqual(['node', ...appNodeFlags(name), `dist/apps/${name}/main.js`]);
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

  it('Kubernetes manifests run built apps and set only variables the apps read', () => {
    const objects = renderKubernetes();
    const deployments = objects.filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(DISTRIBUTED_APPS.map((app) => `swr-${app}`).sort());
    for (const deployment of deployments) {
      const command: string[] = deployment.spec.template.spec.containers[0].command;
      const app = /dist\/apps\/([a-z-]+)\/main\.js/.exec(command.join(' '))?.[1];
      expect([deployment.metadata.name, app && existsSync(join(ROOT, 'apps', app, 'src/main.ts'))]).toEqual([deployment.metadata.name, true]);
    }
    const configured = objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret').flatMap((o) => Object.keys(o.data ?? o.stringData));
    expect(configured.filter((v) => !readVariables.has(v))).toEqual([]);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
  /** Instructions with their continuation lines joined, comments dropped. */
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => line.trim());

  it('builds every app under apps/ into the image', async () => {
    // Each directory of apps/ is an app or the web console, so the build's loop over apps/*/ leaves none out and builds nothing else.
    for (const entry of readdirSync(join(ROOT, 'apps'))) {
      expect([entry, existsSync(join(ROOT, 'apps', entry, entry === 'console' ? 'vite.config.mts' : 'src/main.ts'))]).toEqual([entry, true]);
    }
    const build = instructions.find((i) => i.startsWith('RUN ') && i.includes('tools/build-app.mjs'));
    expect(build).toBeDefined();
    // The build step's own shell loop, run here with echo in place of the build (the global set-up builds each app with the same tool).
    const loop = (build as string).slice('RUN '.length).split(' && ')[0].replace('node tools/build-app.mjs', 'echo');
    const built = await run('sh', ['-c', loop], { ...process.env, PWD: ROOT });
    expect(built.code).toBe(0);
    expect(built.stdout.trim().split('\n').sort()).toEqual([...ALL_APPS, 'console'].sort().map((app) => `apps/${app}`));
    // What build-app.mjs reads is copied into the build stage.
    for (const path of ['tsconfig.base.json', 'tools', 'libs', 'apps']) expect(instructions.some((i) => i.startsWith(`COPY ${path} `))).toBe(true);
  });

  it('runs the app named by SWR_APP (the APP build argument by default)', async () => {
    const app = /^ARG APP=([a-z-]+)$/m.exec(instructions.join('\n'))?.[1];
    expect(app).toBe('gateway');
    expect(instructions.some((i) => /^ENV .*\bSWR_APP=\$APP\b/.test(i))).toBe(true);
    const cmd = instructions.filter((i) => i.startsWith('CMD '));
    expect(cmd).toHaveLength(1);
    // Shell form: run it as the image would, from the repository root with the apps the global set-up built.
    const script = cmd[0].slice('CMD '.length).replace('exec node ', `exec node -e "console.log(JSON.stringify(process.execArgv.slice(2)), process.argv[1])" `);
    for (const app of ['retention-worker', 'gateway']) {
      const known = await run('sh', ['-c', `cd ${ROOT} && ${script}`], { ...process.env, SWR_APP: app });
      // With the node flags the tests and benchmarks run it with.
      expect([known.code, known.stdout.trim()]).toEqual([0, `${JSON.stringify(appNodeFlags(app))} dist/apps/${app}/main.js`]);
    }
    const unknown = await run('sh', ['-c', `cd ${ROOT} && ${script}`], { ...process.env, SWR_APP: 'no-such-app' });
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('SWR_APP=no-such-app: no such app');
  });
});

describe('deploy/kubernetes (a kustomize base)', () => {
  const dir = join(ROOT, 'deploy/kubernetes');
  const objects = renderKubernetes();
  const named = (kind: string, name: string): K8sObject | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);
  /** What an app's main.ts wires: its durable event consumer and the BullMQ work queues it runs (not its schedules). */
  const wiring = (app: string): { durable?: string; queues: string[] } => {
    const source = readFileSync(join(ROOT, 'apps', app, 'src/main.ts'), 'utf8');
    return {
      durable: /JetStreamEventConsumer\.connect\(\{[^}]*?durable: '([^']+)'/s.exec(source)?.[1],
      queues: [...source.matchAll(/new BullJobQueue(?:<[^>]*>)?\(\{[^}]*?queue: '([^']+)'/gs)].map((m) => m[1]),
    };
  };

  it('lists every manifest of the directory in kustomization.yaml', () => {
    const kustomization = parseAllDocuments(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0].toJS();
    const files = readdirSync(dir).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
  });

  it('validates against the Kubernetes and KEDA schemas', async () => {
    const result = await run(process.execPath, [join(ROOT, 'tools/kubernetes-manifests.mjs'), 'validate', dir]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${objects.length} objects, 0 problems\n`);
    expect(result.code).toBe(0);
  });

  it('refuses manifests that break the schemas', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'swr-kustomize-'));
    try {
      cpSync(dir, broken, { recursive: true });
      const edit = (file: string, change: (object: K8sObject) => void): void => {
        const documents = parseAllDocuments(readFileSync(join(broken, file), 'utf8')).map((d) => d.toJS() as K8sObject);
        documents.forEach(change);
        writeFileSync(join(broken, file), documents.map((d) => stringify(d)).join('---\n'));
      };
      edit('gateway.yaml', (o) => {
        if (o.kind === 'Deployment') o.spec.replicas = 'two';
        if (o.kind === 'HorizontalPodAutoscaler') delete o.spec.maxReplicas;
      });
      edit('sync-worker.yaml', (o) => {
        if (o.kind === 'ScaledObject') o.spec.triggers[0].metadata.lagThreshold = 20;
        if (o.kind === 'PodDisruptionBudget') o.kind = 'PodDisruptionBudgets';
      });
      edit('iam.yaml', (o) => {
        if (o.kind === 'Deployment') o.spec.template.spec.containers[0].readinessProbe.httpGet.port = { name: 'ops' };
      });
      const result = await run(process.execPath, [join(ROOT, 'tools/kubernetes-manifests.mjs'), 'validate', broken]);
      expect(result.code).toBe(1);
      const problems = result.stderr.trim().split('\n');
      expect(problems).toEqual(
        expect.arrayContaining([
          'Deployment/swr-gateway: /spec/replicas must be integer',
          'HorizontalPodAutoscaler/swr-gateway: /spec must have required property maxReplicas',
          'ScaledObject/swr-sync-worker: /spec/triggers/0/metadata/lagThreshold must be string',
          'PodDisruptionBudgets/swr-sync-worker: no schema for apiVersion policy/v1 kind PodDisruptionBudgets',
        ]),
      );
      expect(problems.some((p) => p.startsWith('Deployment/swr-iam: /spec/template/spec/containers/0/readinessProbe/httpGet/port '))).toBe(true);
      expect(result.stdout).toBe(`${objects.length} objects, ${problems.length} problems\n`);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('gives every app but standalone a Deployment with probes, requests and scrape annotations, a PDB and an autoscaler', () => {
    for (const app of DISTRIBUTED_APPS) {
      const name = `swr-${app}`;
      const deployment = named('Deployment', name) as K8sObject;
      const pod = deployment.spec.template;
      const [container] = pod.spec.containers;
      expect(container.command).toEqual(['node', ...appNodeFlags(app), `dist/apps/${app}/main.js`]);
      // The gateway serves health and metrics on its HTTP port, the others on SWR_METRICS_PORT (9464, named ops).
      const port = app === 'gateway' ? { name: 'http', containerPort: 5000 } : { name: 'ops', containerPort: 9464 };
      expect([name, container.ports]).toEqual([name, [port]]);
      expect([name, container.readinessProbe.httpGet]).toEqual([name, { path: '/readyz', port: port.name }]);
      expect([name, container.livenessProbe.httpGet]).toEqual([name, { path: '/healthz', port: port.name }]);
      expect([name, Object.keys(container.resources.requests).sort()]).toEqual([name, ['cpu', 'memory']]);
      expect([name, pod.metadata.annotations]).toEqual([name, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port.containerPort), 'prometheus.io/path': '/metrics' }]);
      // A pod label `app` would push the series' own `app` label aside (exported_app) under a labelmap of pod labels.
      expect([name, pod.metadata.labels.app]).toEqual([name, undefined]);
      const selects = (selector: Record<string, string>): boolean => Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v);
      expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
      // The autoscaler owns the replica count: a replicas field would reset it at every apply.
      expect([name, deployment.spec.replicas]).toEqual([name, undefined]);

      const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector.matchLabels));
      expect([name, pdbs.length]).toEqual([name, 1]);
      expect(pdbs[0].spec.maxUnavailable ?? pdbs[0].spec.minAvailable).toBe(1);

      const services = objects.filter((o) => o.kind === 'Service' && selects(o.spec.selector));
      expect([name, services.flatMap((s) => s.spec.ports.map((p: { port: number; targetPort: string }) => [p.port, p.targetPort]))]).toEqual([name, [[port.containerPort, port.name]]]);

      const target = { apiVersion: 'apps/v1', kind: 'Deployment', name };
      const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name);
      const scaledObjects = objects.filter((o) => o.kind === 'ScaledObject' && o.spec.scaleTargetRef.name === name);
      expect([name, hpas.length + scaledObjects.length]).toEqual([name, 1]);
      if (['gateway', 'metadata', 'iam'].includes(app)) {
        expect(hpas[0].apiVersion).toBe('autoscaling/v2');
        expect(hpas[0].spec.scaleTargetRef).toEqual(target);
        expect(hpas[0].spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } }]);
        expect(hpas[0].spec.minReplicas).toBeGreaterThanOrEqual(2);
      } else {
        expect([name, scaledObjects[0].apiVersion]).toEqual([name, 'keda.sh/v1alpha1']);
      }
    }
  });

  it('scales each worker with KEDA on its consumer lag and its work queues, as its main.ts names them', () => {
    const workers = DISTRIBUTED_APPS.filter((app) => app.endsWith('-worker'));
    expect(workers.sort()).toEqual(['audit-worker', 'retention-worker', 'sync-worker', 'trigger-worker']);
    for (const app of workers) {
      const { durable, queues } = wiring(app);
      const scaledObject = named('ScaledObject', `swr-${app}`) as K8sObject;
      const namespace = scaledObject.metadata.namespace;
      expect(namespace).toBe('swr');
      // Workers also answer requests in their queue groups: never scaled to zero.
      expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
      expect(scaledObject.spec.maxReplicaCount).toBeGreaterThan(scaledObject.spec.minReplicaCount);
      const triggers: { type: string; metadata: Record<string, string> }[] = scaledObject.spec.triggers;
      expect([app, triggers.filter((t) => t.type === 'nats-jetstream').map((t) => t.metadata)]).toEqual([
        app,
        [
          {
            // KEDA runs in its own namespace: the monitoring endpoint is named in full.
            natsServerMonitoringEndpoint: `nats.${namespace}.svc.cluster.local:8222`,
            account: '$G',
            stream: EVENT_STREAM,
            consumer: durable,
            lagThreshold: expect.stringMatching(/^[1-9][0-9]*$/),
          },
        ],
      ]);
      expect([app, triggers.filter((t) => t.type === 'redis').map((t) => t.metadata)]).toEqual([
        app,
        queues.map((queue) => ({ address: `redis.${namespace}.svc.cluster.local:6379`, listName: `bull:${queue}:wait`, listLength: expect.stringMatching(/^[1-9][0-9]*$/) })),
      ]);
      expect(triggers.length).toBe(1 + queues.length);
    }
    // The queues the brief of issue 15 names, as the workers create them.
    expect(Object.fromEntries(workers.map((app) => [app, wiring(app)]))).toEqual({
      'audit-worker': { durable: 'audit', queues: [] },
      'trigger-worker': { durable: 'trigger', queues: ['swr-webhook-deliveries'] },
      'retention-worker': { durable: 'retention', queues: ['swr-retention-runs'] },
      'sync-worker': { durable: 'sync', queues: ['swr-sync-jobs'] },
    });
  });
});

describe('deploy/grafana/swr-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/swr-dashboard.json'), 'utf8'));
  const panels: { type: string; title: string; datasource?: unknown; targets?: { expr: string }[]; panels?: unknown[] }[] = dashboard.panels.flatMap(
    (p: { panels?: unknown[] }) => [p, ...(p.panels ?? [])],
  );
  const expressions = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

  it('has a Prometheus data source variable and an app variable', () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((v: { name: string }) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(variables.app).toMatchObject({ type: 'query', datasource: { uid: '${datasource}' }, definition: 'label_values(app)', includeAll: true, multi: true });
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect([panel.title, panel.datasource]).toEqual([panel.title, { type: 'prometheus', uid: '${datasource}' }]);
      expect([panel.title, (panel.targets ?? []).length > 0]).toEqual([panel.title, true]);
    }
    for (const expr of expressions) expect([expr, expr.includes('app=~"$app"')]).toEqual([expr, true]);
  });

  it('queries only the metrics the apps export, and each of them', () => {
    expect(expressions.length).toBeGreaterThan(20);
    const used = new Set(expressions.flatMap(metricsIn));
    expect([...used].filter((metric) => !isExported(metric))).toEqual([]);
    // Every exported metric is on the dashboard.
    expect(Object.keys(EXPORTED_METRICS).filter((metric) => ![...used].some((u) => u === metric || (EXPORTED_METRICS[metric] === 'histogram' && u.startsWith(`${metric}_`))))).toEqual([]);
  });

  it('catches a metric that is not exported', () => {
    expect(metricsIn('sum by (route, le) (rate(swr_http_requests_total{app=~"$app", status=~"5.."}[$__rate_interval])) / on (app) group_left sum(up)')).toEqual(['swr_http_requests_total', 'up']);
    expect(['swr_http_requests_total', 'swr_jobs_waiting_total', 'swr_job_duration_seconds_count', 'swr_jobs_active_bucket'].filter((m) => !isExported(m))).toEqual(['swr_http_requests_total', 'swr_jobs_waiting_total', 'swr_jobs_active_bucket']);
  });
});

