import { RegistryUnderTest, startStandaloneRegistry } from '@swr/testing';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { raw } from './support/http';
import { ManageClient } from './support/manage-client';
import { OciClient } from './support/oci-client';

/** Where a reviewer finds the pages as the test saw them (tmp/ is not committed). */
const SHOTS = resolve(__dirname, '../../../tmp/console-screenshots');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** The console in Debian's chromium, driven by playwright-core, against `npm start`'s registry. */
describe('the console in a real browser', () => {
  let registry: RegistryUnderTest;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let host: string;
  const namespace = `console${Date.now().toString(36)}`;
  const [account, user] = ['swr', 'admin'];

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const signIn = async (password: string) => {
    await page.getByLabel('Account name').fill(account);
    await page.getByLabel('IAM user name').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign In' }).click();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    registry = await startStandaloneRegistry();
    host = new URL(registry.url).host;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: registry.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });
  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
  });

  it('is served under /console/ with a strict content security policy', async () => {
    const response = await raw(registry.url, 'GET', '/console/');
    expect(response.status).toBe(200);
    expect(response.header('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.header('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.header('x-content-type-options')).toBe('nosniff');
    // The built page loads its script from a file (no inline script for the CSP to refuse).
    const html = response.body.toString('utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/[^"]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await raw(registry.url, 'GET', '/console/organizations')).status).toBe(200);
    expect((await raw(registry.url, 'GET', '/console/../v2/')).status).not.toBe(200);
  });

  it('shows the sign-in error on a bad password', async () => {
    const refused: string[] = [];
    page.on('console', (message) => message.type() === 'error' && /Content Security Policy/i.test(message.text()) && refused.push(message.text()));
    await page.goto(`${registry.url}/console/`);
    await signIn('not-the-password');
    await expect(page.getByRole('alert').textContent()).resolves.toBe('Incorrect account name, user name or password, or the user is locked.');
    await shot('01-sign-in-error');
    expect(refused).toEqual([]);
  });

  it('signs in and shows the overview with the quotas', async () => {
    await signIn(registry.admin.password);
    await expect(page.getByTestId('who').textContent()).resolves.toBe('swr/admin');
    await page.getByTestId('quota-storage').waitFor();
    expect(await page.getByTestId('quota-namespace').textContent()).toContain('Organizations');
    expect(await page.getByTestId('quota-storage').textContent()).toMatch(/Storage used.*(of|no limit)/);
    // The token lives in sessionStorage, never in a cookie.
    expect(await context.cookies()).toEqual([]);
    await shot('02-overview');
  });

  it('creates an organization, checking the name as it is typed, and lists it', async () => {
    await page.getByRole('link', { name: 'Organization Management' }).click();
    const name = page.getByLabel('Organization name');
    await name.fill('Bad_Name');
    await expect(page.locator('.hint.error').textContent()).resolves.toBe('Use lowercase letters only.');
    expect(await page.getByRole('button', { name: 'Create Organization' }).isDisabled()).toBe(true);
    await name.fill(namespace);
    await page.getByRole('button', { name: 'Create Organization' }).click();
    await page.getByTestId(`organization-${namespace}`).waitFor();
    expect(await page.getByTestId(`organization-${namespace}`).textContent()).toContain('Manage');
    await shot('03-organizations');
  });

  it("shows a pushed image's tag with its pull command, and makes the image public", async () => {
    const pushed = await new OciClient(registry.url, registry.admin).pushImage(`${namespace}/app`, 'v1');
    const anonymous = new OciClient(registry.url);
    const manifest = () => anonymous.request('GET', `/v2/${namespace}/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect((await manifest()).status).not.toBe(200);

    await page.getByRole('link', { name: 'My Images' }).click();
    await page.getByLabel('Organization').selectOption(namespace);
    await page.getByTestId(`repository-${namespace}/app`).waitFor();
    await shot('04-images');
    await page.getByRole('link', { name: 'app', exact: true }).click();
    const row = page.getByTestId('tag-v1');
    await row.waitFor();
    expect(await row.textContent()).toContain(pushed.digest.slice(0, 19));
    expect(await row.getByLabel('Pull command of v1').textContent()).toBe(`docker pull ${host}/${namespace}/app:v1`);
    await row.getByRole('button', { name: 'Copy' }).click();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(`docker pull ${host}/${namespace}/app:v1`);

    await page.getByLabel('Type').selectOption('public');
    await page.getByLabel('Description').fill('<b>not bold</b>');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Image updated.').waitFor();
    // User text is text: the description shows its markup, it never becomes HTML.
    expect(await page.getByLabel('Description').inputValue()).toBe('<b>not bold</b>');
    expect(await page.locator('b').count()).toBe(0);
    await shot('05-image');
    const anonymousAfter = await new OciClient(registry.url).request('GET', `/v2/${namespace}/app/manifests/v1`, { headers: { accept: OCI_MANIFEST } });
    expect(anonymousAfter.status).toBe(200);
  });

  it("says on the image's Image Sync tab that no sync region is configured", async () => {
    await page.getByRole('tab', { name: 'Image Sync' }).click();
    await expect(page.getByTestId('no-sync-regions').textContent()).resolves.toContain('No sync regions are configured');
    expect(await page.getByRole('form', { name: 'Add sync rule' }).count()).toBe(0);
    await page.getByText('No sync jobs.').waitFor();
  });

  it('gives the temporary docker login command to copy', async () => {
    await page.getByRole('link', { name: 'Login Command' }).click();
    await page.getByRole('button', { name: 'Generate Login Command' }).click();
    const command = page.getByLabel('Temporary login command');
    await command.waitFor();
    const text = (await command.textContent()) ?? '';
    expect(text).toMatch(new RegExp(`^docker login -u \\S+ -p \\S+ ${host.replace(/\./g, '\\.')}$`));
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(text);
    await shot('06-login-command');
  });

  it('ends the session when the token is refused, and on sign out', async () => {
    // A token the IAM service no longer honours: the console returns to sign-in with a message.
    // (Page scripts as strings: this project's TypeScript has no DOM types.)
    await page.evaluate(`(() => {
      const key = 'swr.console.session';
      sessionStorage.setItem(key, JSON.stringify({ ...JSON.parse(sessionStorage.getItem(key)), token: 'forged' }));
    })()`);
    await page.goto(`${registry.url}/console/organizations`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('Your session has ended. Sign in again.');
    await shot('07-session-ended');
    await signIn(registry.admin.password);
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toBe('You have signed out.');
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
  });

  it("hides what a reader may not do, and says so when the API refuses a page", async () => {
    const admin = await ManageClient.fromLogin(registry.url, registry.admin);
    const readerName = `reader${Date.now().toString(36)}`;
    const reader = await admin.call('POST', '/v3/users', { user: { name: readerName, password: 'reader-password' } });
    expect(reader.status).toBe(201);
    expect((await admin.call('POST', `/v2/manage/namespaces/${namespace}/access`, [{ user_id: reader.json().user.id, user_name: readerName, auth: 1 }])).status).toBe(200);
    const hidden = `${namespace}x`;
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace: hidden })).status).toBe(201);
    await new OciClient(registry.url, registry.admin).pushImage(`${hidden}/secret`, 'v1');

    await page.getByLabel('Account name').fill(account);
    await page.getByLabel('IAM user name').fill(readerName);
    await page.getByLabel('Password').fill('reader-password');
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByTestId('who').waitFor();
    await page.getByRole('link', { name: 'Organization Management' }).click();
    const row = page.getByTestId(`organization-${namespace}`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Read');
    expect(await row.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create Organization' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Audit Trail' }).count()).toBe(0);

    await page.goto(`${registry.url}/console/repositories/${namespace}/app`);
    await page.getByTestId('tag-v1').waitFor();
    expect(await page.getByLabel('Type').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await page.getByTestId('tag-v1').getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await shot('08-reader-image');

    await page.goto(`${registry.url}/console/repositories/${hidden}/secret`);
    // The API refuses (403) or hides (404) a private image of an organization the reader has no grant on: the page says so, no tag shows.
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/No permission|Not found/);
    expect(await page.getByTestId('tag-v1').count()).toBe(0);
    await shot('09-refused');
  });
});
