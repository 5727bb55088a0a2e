import { importVerificationKey, loginKey, SecretBox, tokenAllows, verifyRegistryToken } from '@swr/auth';
import { EmbeddedPostgresHandle, openDatabase, startEmbeddedPostgres } from '@swr/db';
import {
  AccessKeys,
  ApiTokens,
  Authenticator,
  ensureOperatorAccount,
  hashPassword,
  hashToken,
  KeyRing,
  Organizations,
  Permissions,
  Principal,
  RegistryTokenIssuer,
} from '@swr/iam-core';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { IAM_MIGRATIONS, IAM_SCHEMA } from './migrations';
import { PostgresAccessGraph } from './postgres-access-graph';
import { PostgresCredentials, PostgresSigningKeys } from './postgres-credentials';
import { PostgresDirectory } from './postgres-directory';
import { PostgresOrganizationStore } from './postgres-organization-store';

const REGION = 'test-region-1';
const SERVICE = 'swr-registry';

describe('IAM against PostgreSQL', () => {
  let postgres: EmbeddedPostgresHandle;
  let db: DataSource;
  let dir: string;
  let clock: Date;
  let directory: PostgresDirectory;
  let credentials: PostgresCredentials;
  let authenticator: Authenticator;
  let issuer: RegistryTokenIssuer;
  let keyRing: KeyRing;
  let accessKeys: AccessKeys;
  let apiTokens: ApiTokens;
  let organizations: Organizations;
  let acmeAdmin: Principal;
  const box = new SecretBox(randomBytes(32));
  const now = () => clock;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swr-iam-spec-'));
    chmodSync(dir, 0o755);
    postgres = await startEmbeddedPostgres({ dataDir: dir });
    db = await openDatabase({ url: postgres.url, schema: IAM_SCHEMA, migrations: IAM_MIGRATIONS });
    clock = new Date('2026-06-01T00:00:00Z');
    directory = new PostgresDirectory(db);
    credentials = new PostgresCredentials(db);
    authenticator = new Authenticator(directory, credentials, box, REGION, { maxFailures: 3, windowMs: 60_000, lockMs: 60_000 }, now);
    keyRing = new KeyRing(new PostgresSigningKeys(db), box);
    const graph = new PostgresAccessGraph(db);
    organizations = new Organizations(new PostgresOrganizationStore(db), graph, new Permissions(graph, directory), 3);
    issuer = new RegistryTokenIssuer(authenticator, graph, organizations, keyRing, { issuer: 'swr-iam', service: SERVICE, lifetimeSeconds: 300 }, now);
    accessKeys = new AccessKeys(directory, credentials, box);
    apiTokens = new ApiTokens(authenticator, directory, credentials, now);
    await directory.createAccount('acme', { name: 'root', passwordHash: await hashPassword('acme-root-pw') });
    await directory.createAccount('other', { name: 'root', passwordHash: await hashPassword('other-root-pw') });
    acmeAdmin = await authenticator.dockerLogin('acme/root', 'acme-root-pw');
  }, 60_000);
  afterAll(async () => {
    await db?.destroy();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const failure = (promise: Promise<unknown>) => promise.then(() => 'accepted', (e: { code?: string }) => e.code);

  async function grantedActions(username: string | undefined, password: string | undefined, repository: string, wanted = 'pull,push,delete') {
    const issued = await issuer.issue({ service: SERVICE, scopes: [`repository:${repository}:${wanted}`], username, password });
    const keys = new Map((await keyRing.publicKeys()).map((k) => [k.kid, importVerificationKey(k.publicPem)]));
    const claims = verifyRegistryToken(issued.token, keys, { issuer: 'swr-iam', audience: SERVICE, now: Math.floor(clock.getTime() / 1000) });
    return ['pull', 'push', 'delete'].filter((a) => tokenAllows(claims, repository, a));
  }

  it('creates the operator account once, showing a generated password only then', async () => {
    const first = await ensureOperatorAccount(directory, { account: 'operator', user: 'admin' });
    expect(first.generatedPassword).toMatch(/.{20,}/);
    expect(await ensureOperatorAccount(directory, { account: 'operator', user: 'admin' })).toEqual({});
    expect((await authenticator.dockerLogin('operator/admin', first.generatedPassword as string)).isAdmin).toBe(true);
  });

  it('signs in with a password, by bare name only while the name is unique', async () => {
    const alice = await directory.createUser(acmeAdmin.accountId, { name: 'alice', passwordHash: await hashPassword('alice-pw'), isAdmin: false });
    expect((await authenticator.dockerLogin('alice', 'alice-pw')).userId).toBe(alice?.id);
    expect(await failure(authenticator.dockerLogin('root', 'acme-root-pw'))).toBe('IAM_INVALID_CREDENTIALS');
    expect(await failure(authenticator.dockerLogin('acme/alice', 'wrong'))).toBe('IAM_INVALID_CREDENTIALS');
  });

  it('signs in with the long-term login key of an active access key, not of a disabled or deleted one', async () => {
    const key = await accessKeys.create(acmeAdmin, acmeAdmin.userId, 'ci');
    const username = `${REGION}@${key.access}`;
    expect((await authenticator.dockerLogin(username, loginKey(key.access, key.secret))).accountName).toBe('acme');
    expect(await failure(authenticator.dockerLogin(username, loginKey(key.access, 'not-the-sk')))).toBe('IAM_INVALID_CREDENTIALS');
    expect(await db.query('SELECT sealed_secret FROM iam.access_key WHERE access = $1', [key.access])).not.toContainEqual({ sealed_secret: key.secret });
    await accessKeys.setStatus(acmeAdmin, key.access, 'inactive');
    expect(await failure(authenticator.dockerLogin(username, loginKey(key.access, key.secret)))).toBe('IAM_INVALID_CREDENTIALS');
    await accessKeys.delete(acmeAdmin, key.access);
    expect(await failure(authenticator.dockerLogin(username, loginKey(key.access, key.secret)))).toBe('IAM_INVALID_CREDENTIALS');
  });

  it('signs in with a temporary secret until it expires', async () => {
    await credentials.createTemporarySecret({ access: 'TEMPACCESS1', userId: acmeAdmin.userId, passwordHash: hashToken('temp-pw'), expiresAt: new Date(clock.getTime() + 1000) });
    expect((await authenticator.dockerLogin(`${REGION}@TEMPACCESS1`, 'temp-pw')).userId).toBe(acmeAdmin.userId);
    clock = new Date(clock.getTime() + 2000);
    expect(await failure(authenticator.dockerLogin(`${REGION}@TEMPACCESS1`, 'temp-pw'))).toBe('IAM_INVALID_CREDENTIALS');
  });

  it('locks a user name after repeated failures, even against the right password, until the lock ends', async () => {
    await directory.createUser(acmeAdmin.accountId, { name: 'mallory-target', passwordHash: await hashPassword('right'), isAdmin: false });
    for (let i = 0; i < 3; i++) expect(await failure(authenticator.dockerLogin('acme/mallory-target', 'guess'))).toBe('IAM_INVALID_CREDENTIALS');
    const locked = await authenticator.dockerLogin('acme/mallory-target', 'right').catch((e) => e);
    expect(locked.code).toBe('IAM_LOGIN_LOCKED');
    expect(locked.message).toMatch(/too many failed logins.*try again after/);
    clock = new Date(clock.getTime() + 61_000);
    expect((await authenticator.dockerLogin('acme/mallory-target', 'right')).userName).toBe('mallory-target');
  });

  it('forgets the failures before a successful login, and records the login as an event', async () => {
    await directory.createUser(acmeAdmin.accountId, { name: 'forgetful', passwordHash: await hashPassword('right'), isAdmin: false });
    for (let i = 0; i < 2; i++) expect(await failure(authenticator.dockerLogin('acme/forgetful', 'guess'))).toBe('IAM_INVALID_CREDENTIALS');
    const user = await authenticator.dockerLogin('acme/forgetful', 'right');
    // Two more failures would lock the name had the first two been kept (the limit is three).
    for (let i = 0; i < 2; i++) expect(await failure(authenticator.dockerLogin('acme/forgetful', 'guess'))).toBe('IAM_INVALID_CREDENTIALS');
    expect((await authenticator.dockerLogin('acme/forgetful', 'right')).userId).toBe(user.userId);

    const events: Array<{ payload: string }> = await db.query(`SELECT payload FROM iam.outbox WHERE subject LIKE '%login.succeeded%' ORDER BY seq`);
    const logins = events.map((e) => JSON.parse(e.payload)).filter((e) => e.data?.subject === 'acme/forgetful');
    expect(logins).toHaveLength(2);
    expect(logins[0].actor).toMatchObject({ userId: user.userId, userName: 'forgetful' });
  });

  it('grants on each repository only what was asked and what the caller may do', async () => {
    // A push into a new organization claims it for the admin's account, which then owns everything in it.
    expect(await grantedActions('acme/root', 'acme-root-pw', 'acme-new/app')).toEqual(['pull', 'push', 'delete']);
    expect(await grantedActions('acme/root', 'acme-root-pw', 'acme-new/app', 'pull')).toEqual(['pull']);
    expect(await grantedActions('other/root', 'other-root-pw', 'unclaimed/app', 'pull')).toEqual(['pull']);
    expect(await grantedActions('other/root', 'other-root-pw', 'acme-new/app')).toEqual([]);
    expect(await grantedActions(undefined, undefined, 'acme-new/app')).toEqual([]);

    const bob = await directory.createUser(acmeAdmin.accountId, { name: 'bob', passwordHash: await hashPassword('bob-pw'), isAdmin: false });
    expect(await grantedActions('acme/bob', 'bob-pw', 'acme-new/app')).toEqual([]);
    await db.query('INSERT INTO iam.organization_permission VALUES ($1, $2, 1)', ['acme-new', bob?.id]);
    expect(await grantedActions('acme/bob', 'bob-pw', 'acme-new/app')).toEqual(['pull']);
    await db.query('INSERT INTO iam.repository_permission VALUES ($1, $2, 3)', ['acme-new/app', bob?.id]);
    expect(await grantedActions('acme/bob', 'bob-pw', 'acme-new/app')).toEqual(['pull', 'push']);
    expect(await grantedActions('acme/bob', 'bob-pw', 'acme-new/other')).toEqual(['pull']);

    await db.query('INSERT INTO iam.public_repository VALUES ($1)', ['acme-new/app']);
    expect(await grantedActions(undefined, undefined, 'acme-new/app')).toEqual(['pull']);

    const other = await directory.findAccountByName('other');
    await db.query(`INSERT INTO iam.share (repository, account_id, permit, ends_at, creator_id, creator_name) VALUES ($1, $2, 'read', $3, $4, 'root')`, [
      'acme-new/private',
      other?.id,
      new Date(Date.now() + 86_400_000),
      acmeAdmin.userId,
    ]);
    expect(await grantedActions('other/root', 'other-root-pw', 'acme-new/private')).toEqual(['pull']);
    await db.query(`UPDATE iam.share SET ends_at = now() - interval '1 second'`);
    expect(await grantedActions('other/root', 'other-root-pw', 'acme-new/private')).toEqual([]);
  });

  it('creates organizations within the quota even when the creations race, and names them by SWR rules', async () => {
    const owner = await directory.createAccount('quota-co', { name: 'root', passwordHash: await hashPassword('quota-root-pw') });
    const admin = await authenticator.dockerLogin('quota-co/root', 'quota-root-pw');
    const names = ['q-one', 'q-two', 'q-three', 'q-four', 'q-five', 'q-six'];
    const outcomes = await Promise.all(names.map((name) => failure(organizations.create(admin, name))));
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'IAM_QUOTA_EXCEEDED')).toHaveLength(3);
    expect(await organizations.quota(admin)).toEqual({ used: 3, limit: 3 });
    expect((await organizations.list(admin, { visible: false })).map((o) => [o.level, o.accountId])).toEqual(Array(3).fill([7, owner?.account.id]));
    for (const bad of ['Upper', '1digit', 'library', 'a..b', 'a___b', 'trailing-', 'x'.repeat(65)]) {
      expect(await failure(organizations.create(acmeAdmin, bad))).toBe('IAM_INVALID_REQUEST');
    }
    expect(await failure(organizations.create(acmeAdmin, 'q-one'))).toBe('IAM_CONFLICT');
  });

  it('refuses tokens for another service and a wrong password, granting nothing', async () => {
    expect(await failure(issuer.issue({ service: 'elsewhere', scopes: ['repository:acme-new/app:pull'] }))).toBe('IAM_INVALID_REQUEST');
    expect(await failure(issuer.issue({ service: SERVICE, scopes: ['repository:acme-new/app:pull'], username: 'acme/root', password: 'nope' }))).toBe(
      'IAM_INVALID_CREDENTIALS',
    );
  });

  it('issues API tokens valid for 24 hours while the user stays enabled', async () => {
    await directory.createUser(acmeAdmin.accountId, { name: 'carol', passwordHash: await hashPassword('carol-pw'), isAdmin: false });
    const issued = await apiTokens.issue('carol', 'carol-pw', 'acme');
    expect((await apiTokens.verify(issued.token)).userName).toBe('carol');
    expect(await failure(apiTokens.verify('made-up'))).toBe('IAM_TOKEN_INVALID');
    await directory.updateUser(issued.principal.userId, { enabled: false });
    expect(await failure(apiTokens.verify(issued.token))).toBe('IAM_TOKEN_INVALID');
    await directory.updateUser(issued.principal.userId, { enabled: true });
    clock = new Date(clock.getTime() + 24 * 3600_000 + 1);
    expect(await failure(apiTokens.verify(issued.token))).toBe('IAM_TOKEN_INVALID');
  });

  it('keeps one account’s access keys out of another account’s reach', async () => {
    const otherAdmin = await authenticator.dockerLogin('other/root', 'other-root-pw');
    const key = await accessKeys.create(acmeAdmin, acmeAdmin.userId);
    expect(await failure(accessKeys.list(otherAdmin, acmeAdmin.userId))).toBe('IAM_NOT_FOUND');
    expect(await failure(accessKeys.delete(otherAdmin, key.access))).toBe('IAM_NOT_FOUND');
    expect(await failure(accessKeys.setStatus(otherAdmin, key.access, 'inactive'))).toBe('IAM_NOT_FOUND');
    expect((await accessKeys.list(acmeAdmin, acmeAdmin.userId)).map((k) => k.access)).toContain(key.access);
  });
});
