import { DockerEngine, RegistryUnderTest, startDockerEngine, startStandaloneRegistry } from '@swr/testing';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { buildImage, ok } from './support/real-clients';

/** Where a reviewer finds the pages as the test saw them (tmp/ is not committed). */
const SHOTS = resolve(__dirname, '../../../tmp/console-screenshots');

/** The console's upload, access keys, audit trail and charts, in Debian's chromium against a standalone registry and a Docker engine. */
describe('the console: upload, login commands, audit trail and charts', () => {
  let registry: RegistryUnderTest;
  let docker: DockerEngine;
  let browser: Browser;
  let page: Page;
  let host: string;
  const namespace = `upload${Date.now().toString(36)}`;
  const work = mkdtempSync(join(tmpdir(), 'swr-console-upload-'));

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const open = (menu: string) => page.getByRole('link', { name: menu, exact: true }).click();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    [registry, docker] = await Promise.all([startStandaloneRegistry(), startDockerEngine()]);
    host = new URL(registry.url).host;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: registry.url });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${registry.url}/console/`);
    await page.getByLabel('Account name').fill('swr');
    await page.getByLabel('IAM user name').fill('admin');
    await page.getByLabel('Password').fill(registry.admin.password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByTestId('who').waitFor();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await docker?.stop();
    await registry?.stop();
  }, 60_000);

  it('uploads a docker save archive that docker then pulls with the same image id, and refuses a file that is not one', async () => {
    await open('Organization Management');
    await page.getByLabel('Organization name').fill(namespace);
    await page.getByRole('button', { name: 'Create Organization' }).click();
    await page.getByTestId(`organization-${namespace}`).waitFor();

    const local = 'local/uploaded:v1';
    await buildImage(docker, local, { 'a.txt': `uploaded ${namespace}`, 'b.txt': 'second layer' });
    const id = ok(await docker.docker('inspect', '--format', '{{.Id}}', local)).trim();
    const archive = join(work, 'uploaded.tar');
    ok(await docker.docker('save', '-o', archive, local));
    const notAnArchive = join(work, 'notes.tar');
    writeFileSync(notAnArchive, 'these are notes, not an image');

    await open('Upload Image');
    await page.getByLabel('Organization').selectOption(namespace);
    await page.getByLabel('Image name').fill('app');
    await page.getByLabel('Image archives').setInputFiles([archive, notAnArchive]);
    // Upload slowly (DevTools network throttling, about 8 KB/s) so that the progress bar is seen part way.
    const devtools = await page.context().newCDPSession(page);
    await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 8 * 1024 });
    await page.getByRole('button', { name: 'Upload' }).click();
    const uploaded = page.getByTestId('upload-uploaded.tar');
    await uploaded.getByText(/^ ?[1-9][0-9]?%$/).waitFor();
    expect(Number(await uploaded.getByLabel('Upload progress of uploaded.tar').getAttribute('value'))).toBeGreaterThan(0);
    await shot('20-upload-progress');
    await devtools.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await uploaded.getByText('Uploaded: v1').waitFor({ timeout: 60_000 });
    const refused = page.getByTestId('upload-notes.tar').getByRole('alert');
    await refused.waitFor({ timeout: 60_000 });
    expect(await refused.textContent()).toBe('Not an image archive: upload docker save output or an OCI image layout archive.');
    await shot('20-upload');

    await page.getByLabel('Image archives').setInputFiles([{ name: 'readme.txt', mimeType: 'text/plain', buffer: Buffer.from('not an archive') }]);
    expect(await page.getByTestId('upload-readme.txt').getByRole('alert').textContent()).toContain('choose a .tar or .tar.gz file');
    expect(await page.getByRole('button', { name: 'Upload' }).isDisabled()).toBe(true);

    const { username, password } = registry.admin;
    ok(await docker.docker('login', '-u', username, '-p', password, host));
    ok(await docker.docker('rmi', local));
    const remote = `${host}/${namespace}/app:v1`;
    ok(await docker.docker('pull', remote));
    expect(ok(await docker.docker('inspect', '--format', '{{.Id}}', remote)).trim()).toBe(id);
    ok(await docker.docker('logout', host));
  });

  it('creates an access key, shows its secret once, and gives a long-term login command that docker logs in with', async () => {
    await open('Login Command');
    await page.getByLabel('Description').fill('console e2e');
    await page.getByRole('button', { name: 'Create Access Key' }).click();
    const created = page.getByTestId('new-access-key');
    const command = created.getByLabel('Long-term login command');
    await command.waitFor();
    const access = (await created.getByLabel('Access key ID').textContent()) ?? '';
    expect(await page.getByTestId(`access-key-${access}`).textContent()).toContain('Enabled');
    await created.getByLabel('Long-term login command').locator('..').getByRole('button', { name: 'Copy' }).click();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(await command.textContent());
    const [, username, password, registryHost] = copied.match(/^docker login -u (\S+@\S+) -p ([0-9a-f]{64}) (\S+)$/) ?? [];
    expect(username).toMatch(new RegExp(`@${access}$`));
    expect(registryHost).toBe(host);
    await shot('21-access-key');
    ok(await docker.docker('login', '-u', username, '-p', password, registryHost));
    ok(await docker.docker('pull', `${host}/${namespace}/app:v1`));

    // The secret is not shown again once the page is left.
    await open('Overview');
    await open('Login Command');
    await page.getByTestId(`access-key-${access}`).waitFor();
    expect(await page.getByTestId('new-access-key').count()).toBe(0);

    // A disabled key gets no registry token any more (asked as docker asks, with Basic credentials).
    const token = () => fetch(`${registry.url}/auth/token?service=swr-registry`, { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    expect((await token()).status).toBe(200);
    const row = page.getByTestId(`access-key-${access}`);
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('cell', { name: 'Disabled', exact: true }).waitFor();
    expect((await token()).status).toBe(401);
  });

  it("lets the account's admin create a user, see the user's access keys, give them a permission on an organization, and delete the user", async () => {
    const name = `dev${Date.now().toString(36)}`;
    await open('Users');
    await page.getByLabel('User name').fill(name);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create User' }).click();
    await expect(page.locator('.hint.error').textContent()).resolves.toBe('The password must have at least 8 characters.');
    await page.getByLabel('Password').fill('dev-password-1');
    await page.getByRole('button', { name: 'Create User' }).click();
    const row = page.getByTestId(`user-${name}`);
    await row.waitFor();
    await row.getByRole('button', { name: 'Access Keys' }).click();
    await page.getByRole('heading', { name: `Access keys of ${name}` }).waitFor();
    await page.getByText('No access keys.').waitFor();
    await shot('22-users');

    await open('Organization Management');
    await page.getByTestId(`organization-${namespace}`).getByRole('button', { name: 'Members' }).click();
    const members = page.getByLabel(`Members of ${namespace}`);
    await members.getByTestId('member-admin').waitFor();
    await members.locator('select[name="user"]').selectOption({ label: name });
    await members.locator('select[name="auth"]').selectOption({ label: 'Write' });
    await members.getByRole('button', { name: 'Add Member' }).click();
    await members.getByText(`${name} added with the Write permission.`).waitFor();
    await members.getByLabel(`Permission of ${name}`).selectOption({ label: 'Read' });
    await members.getByText(`${name} now has the Read permission.`).waitFor();
    await shot('24-members');
    page.once('dialog', (dialog) => void dialog.accept());
    await members.getByTestId(`member-${name}`).getByRole('button', { name: 'Remove' }).click();
    await members.getByTestId(`member-${name}`).waitFor({ state: 'detached' });
    await members.getByText(`${name} removed.`).waitFor();

    await open('Users');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(`User ${name} deleted.`).waitFor();
    await page.getByTestId(`user-${name}`).waitFor({ state: 'detached' });
    expect(await page.getByTestId('user-admin').getByRole('button', { name: 'Delete' }).count()).toBe(0);
  });

  it("shows the upload's traces in the audit trail, filtered by trace name and rating", async () => {
    await open('Audit Trail');
    const search = async (traceName: string, rating: string) => {
      await page.getByLabel('Trace name').fill(traceName);
      await page.getByLabel('Trace rating').selectOption(rating);
      await page.getByRole('button', { name: 'Search' }).click();
    };
    // The upload pushed its image as a docker push does: a pushImage trace by the uploader.
    await search('pushImage', 'normal');
    const pushed = page.getByTestId('trace-pushImage').filter({ hasText: `${namespace}/app` });
    await pushed.first().waitFor();
    expect(await pushed.first().textContent()).toContain('admin');
    // The refused file: its uploadImageArchive call, rated a warning, with the 400 it got.
    await search('uploadImageArchive', 'warning');
    const refused = page.getByTestId('trace-uploadImageArchive').filter({ hasText: `${namespace}/app` });
    await refused.first().waitFor();
    expect(await refused.first().textContent()).toMatch(/warning\s*400\s*admin/);
    await shot('23-audit-trail');
    await search('uploadImageArchive', 'incident');
    await page.getByText('No traces match.').waitFor();
  });

  it('shows the counts of organizations and repositories and the charts of storage and pulled bytes per day', async () => {
    await open('Overview');
    const stored = page.getByTestId('chart-store');
    await stored.waitFor();
    expect(Number(await page.getByTestId('count-organizations').locator('.figure').textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('count-repositories').locator('.figure').textContent())).toBeGreaterThanOrEqual(1);
    const today = new Date().toISOString().slice(0, 10);
    // 30 days each; today has the uploaded image stored and the pulls of it served.
    for (const chart of [stored, page.getByTestId('chart-downflow')]) {
      expect(await chart.locator('rect').count()).toBe(30);
      const day = chart.locator('rect').last();
      expect(await day.locator('title').textContent()).toMatch(new RegExp(`^${today}: [0-9.]+ [KMG]?B$`));
      expect(Number(await day.getAttribute('height'))).toBeGreaterThan(0);
    }
    await shot('25-overview-charts');
  });
});
