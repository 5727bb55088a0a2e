// Renders a kustomize base without kubectl and validates what it renders against the Kubernetes API's
// schemas and KEDA's (the precompiled validators of the kubernetes-models and @kubernetes-models/keda
// packages: nothing is fetched).
// Usage: kubernetes-manifests.mjs render [dir]    → the rendered objects, as a JSON array, on stdout
//        kubernetes-manifests.mjs validate [dir]  → one line per problem on stderr, exit 1 if any
// dir defaults to deploy/kubernetes.
//
// What rendering covers is what deploy/kubernetes uses: `resources` (files of this directory),
// `namespace`, `labels` (pairs, includeSelectors, includeTemplates) and `images` (newName, newTag).
// A kustomization with any other field is refused rather than rendered wrongly.
// The validators check types, required fields, enums and formats, not unknown fields.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '..');
const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'labels', 'images']);
/** Kinds that live outside namespaces, among those a base of ours may hold. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PriorityClass', 'StorageClass']);

function readDocuments(file) {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
      return document.toJS();
    })
    .filter((object) => object !== null && object !== undefined);
}

/** `registry:5000/swr:1.2` → name `registry:5000/swr`, tag `1.2` (a digest is dropped). */
function splitImage(reference) {
  const [withoutDigest] = reference.split('@');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) } : { name: withoutDigest, tag: undefined };
}

export function render(dir) {
  const [kustomization] = readDocuments(join(dir, 'kustomization.yaml'));
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`kustomization.yaml: this renderer does not know ${unsupported.join(', ')}`);
  const objects = [];
  for (const resource of kustomization.resources ?? []) {
    if (resource.includes('://') || resource.startsWith('..')) throw new Error(`kustomization.yaml: resource ${resource} is not a file of this base`);
    for (const object of readDocuments(join(dir, resource))) objects.push({ ...object, metadata: { ...object.metadata } });
  }
  for (const object of objects) {
    if (kustomization.namespace && !CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    for (const { pairs, includeSelectors, includeTemplates } of kustomization.labels ?? []) {
      if (includeSelectors) throw new Error('kustomization.yaml: labels with includeSelectors are not rendered here (and would change immutable selectors)');
      object.metadata.labels = { ...object.metadata.labels, ...pairs };
      const template = object.spec?.template;
      if (includeTemplates && template) template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...pairs } };
    }
    const pod = object.spec?.template?.spec;
    for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      const { name, tag } = splitImage(container.image);
      const image = (kustomization.images ?? []).find((i) => i.name === name);
      if (image) container.image = `${image.newName ?? name}${image.digest ? `@${image.digest}` : `:${image.newTag ?? tag ?? 'latest'}`}`;
    }
  }
  return objects;
}

/** The model class of an apiVersion and kind: core (v1), a group of the API, or KEDA's. */
async function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [undefined, apiVersion];
  const specifier = group === 'keda.sh' || group === 'eventing.keda.sh' ? `@kubernetes-models/keda/${group}/${version}/${kind}` : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  try {
    return (await import(specifier))[kind];
  } catch (error) {
    if (error?.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || error?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Problems of each object, as `<kind>/<name>: <problem>`. */
export async function validate(objects) {
  const problems = [];
  for (const object of objects) {
    const where = `${object.kind}/${object.metadata?.name}`;
    const Model = await modelOf(object.apiVersion, object.kind);
    if (!Model) {
      problems.push(`${where}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      for (const e of error.errors ?? [{ instancePath: '', message: error.message }]) problems.push(`${where}: ${e.instancePath || '/'} ${e.message}`);
    }
  }
  return problems;
}

if (process.argv[1] === import.meta.filename) {
  const [command, dir = join(root, 'deploy/kubernetes')] = process.argv.slice(2);
  const objects = render(resolve(dir));
  if (command === 'render') {
    process.stdout.write(`${JSON.stringify(objects, null, 2)}\n`);
  } else if (command === 'validate') {
    const problems = await validate(objects);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    process.stdout.write(`${objects.length} objects, ${problems.length} problems\n`);
    process.exitCode = problems.length > 0 ? 1 : 0;
  } else {
    throw new Error('usage: kubernetes-manifests.mjs render|validate [dir]');
  }
}
