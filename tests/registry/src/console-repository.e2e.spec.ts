import { RegistryUnderTest, startStandaloneRegistry, waitFor } from '@swr/testing';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { ManageClient } from './support/manage-client';
import { OciClient } from './support/oci-client';
import { WebhookReceiver } from './support/webhook-receiver';

/** Where a reviewer finds the pages as the test saw them (tmp/ is not committed). */
const SHOTS = resolve(__dirname, '../../../tmp/console-screenshots');

/** The repository page's management tabs in Debian's chromium, driven by playwright-core, against `npm start`'s registry. */
describe("the console's repository page in a real browser", () => {
  let registry: RegistryUnderTest;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let admin: ManageClient;
  let oci: OciClient;
  const stamp = Date.now().toString(36);
  const namespace = `repo${stamp}`;
  const other = `other${stamp}`;
  const [reader, grantee, leaver] = [`reader${stamp}`, `dev${stamp}`, `leaver${stamp}`];
  const repoPath = `/v2/manage/namespaces/${namespace}/repos/app`;

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const tab = (name: string) => page.getByRole('tab', { name }).click();
  const signIn = async (user: string, password: string) => {
    await page.goto(`${registry.url}/console/`);
    await page.getByLabel('Account name').fill('swr');
    await page.getByLabel('IAM user name').fill(user);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign In' }).click();
    await page.getByTestId('who').waitFor();
  };
  const openRepository = async () => {
    await page.goto(`${registry.url}/console/repositories/${namespace}/app`);
    await page.getByTestId('tag-v3').waitFor();
    // What the page offers follows the caller's permission, shown once it is known.
    await page.getByTestId('repository-permission').waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // One sync region, never reached: rules are only stored until a tag is pushed after them.
    const sync = { SWR_SYNC_REGIONS: 'region-2=http://127.0.0.1:9', SWR_SYNC_PEER_KEY: randomBytes(32).toString('base64') };
    [registry, receiver] = await Promise.all([startStandaloneRegistry(undefined, { env: sync }), WebhookReceiver.start()]);
    admin = await ManageClient.fromLogin(registry.url, registry.admin);
    oci = new OciClient(registry.url, registry.admin);
    expect((await admin.call('POST', '/v2/manage/namespaces', { namespace })).status).toBe(201);
    // Pushed one after another: retention orders tags by push time.
    for (const tag of ['v1', 'v2', 'v3']) await oci.pushImage(`${namespace}/app`, tag);
    expect((await admin.call('POST', '/v3/domains', { domain: { name: other }, admin: { name: 'boss', password: 'other-password-1' } })).status).toBe(201);
    for (const name of [reader, grantee, leaver]) expect((await admin.call('POST', '/v3/users', { user: { name, password: `${name}-password` } })).status).toBe(201);
    const users = (await admin.call('GET', '/v3/users')).json().users as Array<{ id: string; name: string }>;
    const readerId = users.find((u) => u.name === reader)?.id;
    expect((await admin.call('POST', `/v2/manage/namespaces/${namespace}/access`, [{ user_id: readerId, user_name: reader, auth: 1 }])).status).toBe(200);

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (dialog) => void dialog.accept());
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.stop();
    await registry?.stop();
  });

  it('shows the tags under the first of the management tabs', async () => {
    await signIn('admin', registry.admin.password);
    await openRepository();
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Image Tags', 'Permissions', 'Sharing', 'Triggers', 'Retention', 'Image Sync']);
    await page.getByTestId('tag-v3').waitFor();
    await shot('repo-01-tags');
  });

  it('grants users a permission on the repository, changes one and revokes another', async () => {
    await tab('Permissions');
    const form = page.getByRole('form', { name: 'Grant permission' });
    for (const user of [grantee, leaver]) {
      await form.getByLabel('User').selectOption({ label: user });
      await form.getByLabel('Permission').selectOption({ label: 'Write' });
      await form.getByRole('button', { name: 'Grant Permission' }).click();
      await page.getByText(`${user} has the Write permission.`).waitFor();
      await page.getByTestId(`permission-${user}`).waitFor();
    }
    await page.getByTestId(`permission-${leaver}`).getByRole('button', { name: 'Revoke' }).click();
    await page.getByText(`The permission of ${leaver} is revoked.`).waitFor();
    await page.getByTestId(`permission-${leaver}`).waitFor({ state: 'detached' });
    const row = page.getByTestId(`permission-${grantee}`);
    await row.getByLabel(`Permission of ${grantee}`).selectOption({ label: 'Read' });
    await page.getByText(`${grantee} now has the Read permission.`).waitFor();
    const granted = (await admin.call('GET', `${repoPath}/access`)).json().others_auths;
    expect(granted).toEqual([expect.objectContaining({ user_name: grantee, auth: 1 })]);
    await shot('repo-02-permissions');
  });

  it('shares the private image with another account, permanently, its description shown as text, then until a day', async () => {
    await tab('Sharing');
    const form = page.getByRole('form', { name: 'Share image' });
    await form.getByLabel('Account').fill(other);
    await form.getByLabel('Description').fill('<i>for the other team</i>');
    await form.getByRole('button', { name: 'Share', exact: true }).click();
    const row = page.getByTestId(`share-${other}`);
    await row.waitFor();
    expect((await row.locator('td').allTextContents()).slice(0, 6)).toEqual([other, 'Pull', 'Permanent', 'Valid', '<i>for the other team</i>', 'admin']);
    expect(await page.locator('main i').count()).toBe(0);
    const shares = () => admin.call('GET', `/v2/manage/namespaces/${namespace}/repositories/app/access-domains`).then((r) => r.json());
    expect(await shares()).toEqual([expect.objectContaining({ access_domain: other, permit: 'read', deadline: 'forever' })]);
    await shot('repo-03-sharing');

    await row.getByRole('button', { name: 'Edit' }).click();
    await row.getByLabel('Until', { exact: true }).check();
    await row.getByLabel(`Valid until for ${other}: last day`).fill('2030-01-31');
    await row.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`The share with ${other} is changed.`).waitFor();
    await row.getByRole('cell', { name: 'Until 2030-01-31', exact: true }).waitFor();
    expect(await shares()).toEqual([expect.objectContaining({ access_domain: other, deadline: '2030-01-31T00:00:00Z' })]);
  });

  it("adds a webhook trigger, shows a push's delivery in its history, redelivers it, disables and enables it", async () => {
    await tab('Triggers');
    await page.getByLabel('Trigger name').fill('notify');
    await page.getByLabel('Webhook URL').fill(`${receiver.url}/hook`);
    await page.getByRole('button', { name: 'Add Trigger' }).click();
    await page.getByTestId('trigger-notify').waitFor();
    expect(await page.getByTestId('trigger-notify').textContent()).toContain('All tags');

    await oci.pushImage(`${namespace}/app`, 'v4');
    await waitFor('the delivery of v4', async () => receiver.on('/hook').length === 1);
    await page.getByTestId('trigger-notify').getByRole('button', { name: 'History' }).click();
    const delivery = page.getByTestId('delivery-v4');
    await waitFor('the delivery in the history', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await delivery.count()) === 1 && (await delivery.textContent())?.includes('Succeeded') === true;
    });
    expect(await delivery.textContent()).toContain('200');
    await shot('repo-04-triggers');

    await delivery.getByRole('button', { name: 'Redeliver' }).click();
    await page.getByText('The delivery of v4 is sent again.').waitFor();
    await waitFor('the redelivery', async () => receiver.on('/hook').length === 2);
    const [first, again] = receiver.on('/hook');
    expect(again.headers['x-swr-delivery']).toBe(first.headers['x-swr-delivery']);
    expect(JSON.parse(again.body)).toMatchObject({ event: 'push', tag: 'v4' });

    const row = page.getByTestId('trigger-notify');
    await row.getByRole('button', { name: 'Disable' }).click();
    await page.getByText('Trigger notify disabled.').waitFor();
    await row.getByRole('cell', { name: 'Disabled', exact: true }).waitFor();
    expect((await admin.call('GET', `${repoPath}/triggers/notify`)).json().enable).toBe('false');
    await row.getByRole('button', { name: 'Enable' }).click();
    await page.getByText('Trigger notify enabled.').waitFor();
    await row.getByRole('cell', { name: 'Enabled', exact: true }).waitFor();
    expect((await admin.call('GET', `${repoPath}/triggers/notify`)).json().enable).toBe('true');

    // A trigger on listed tags only, deleted again.
    await page.getByLabel('Trigger name').fill('only-v9');
    await page.getByLabel('Trigger condition').selectOption('tag');
    await page.getByLabel('Tags (separated by ;)').fill('v9; v10');
    await page.getByLabel('Webhook URL').fill(`${receiver.url}/v9`);
    await page.getByRole('button', { name: 'Add Trigger' }).click();
    const listed = page.getByTestId('trigger-only-v9');
    await listed.getByRole('cell', { name: 'Tags: v9, v10', exact: true }).waitFor();
    await listed.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Trigger only-v9 deleted.').waitFor();
    await listed.waitFor({ state: 'detached' });
    expect((await admin.call('GET', `${repoPath}/triggers`)).json().map((t: { name: string }) => t.name)).toEqual(['notify']);
  });

  it('sets a retention policy, shows what it removed, what a dry run would remove, runs it now, and changes it', async () => {
    await tab('Retention');
    await page.getByLabel('Rule').selectOption('tag_rule');
    await page.getByLabel('Tags (1-1000)').fill('0');
    expect(await page.locator('.hint.error').textContent()).toBe('The number of tags must be a whole number from 1 to 1000.');
    await page.getByLabel('Tags (1-1000)').fill('3');
    await page.getByRole('button', { name: 'Create Policy' }).click();
    await page.getByText('Retention policy created.').waitFor();
    expect(await page.getByTestId('retention-rule').textContent()).toBe('Keep the 3 most recently pushed tags');
    // The policy applies at once: of v1..v4 the oldest goes, and the history says so.
    await waitFor('the removal of v1 in the history', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await page.getByTestId('retention-log-v1').count()) === 1;
    });

    await oci.pushImage(`${namespace}/app`, 'v5');
    await page.getByRole('button', { name: 'Dry Run' }).click();
    await page.getByTestId('would-remove-v2').waitFor();
    expect(await page.getByTestId('dry-run').locator('tbody tr td:first-child').allTextContents()).toEqual(['v2']);
    await shot('repo-05-retention');
    expect((await admin.call('GET', `${repoPath}/tags/v2`)).status).toBe(200);

    await page.getByRole('button', { name: 'Run Now' }).click();
    await waitFor('the removal of v2 in the history', async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await page.getByTestId('retention-log-v2').count()) === 1;
    });
    expect((await admin.call('GET', `${repoPath}/tags/v2`)).status).toBe(404);

    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Rule').selectOption('date_rule');
    await page.getByLabel('Days (1-365)').fill('30');
    await page.getByLabel('Tags never removed (separated by ;)').fill('v3');
    await page.getByRole('button', { name: 'Save Policy' }).click();
    await page.getByText('Retention policy changed.').waitFor();
    await page.getByTestId('retention-rule').getByText('Keep the tags pushed in the last 30 days, and always v3', { exact: true }).waitFor();
    const [policy] = (await admin.call('GET', `${repoPath}/retentions`)).json();
    expect(policy.rules).toEqual([{ template: 'date_rule', params: { days: '30' }, tag_selectors: [{ kind: 'label', pattern: 'v3' }] }]);
  });

  it('adds auto-sync rules to an organization in a configured region, lists and deletes them, and syncs tags now', async () => {
    await tab('Image Sync');
    const form = page.getByRole('form', { name: 'Add sync rule' });
    await form.waitFor();
    expect(await form.getByLabel('Target region').locator('option').allTextContents()).toEqual(['region-2']);
    for (const target of [namespace, `${namespace}-copy`]) {
      await form.getByLabel('Target organization').fill(target);
      await form.getByRole('button', { name: 'Add Sync Rule' }).click();
      await page.getByTestId(`sync-rule-region-2-${target}`).waitFor();
    }
    await page.getByTestId(`sync-rule-region-2-${namespace}-copy`).getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Sync rule deleted.').waitFor();
    await page.getByTestId(`sync-rule-region-2-${namespace}-copy`).waitFor({ state: 'detached' });
    const rules = (await admin.call('GET', `${repoPath}/sync_repo`)).json();
    expect(rules).toEqual([expect.objectContaining({ remoteRegionId: 'region-2', remoteNamespace: namespace })]);
    await page.getByText('No sync jobs.').waitFor();

    // Existing tags, copied once: a job for the one the repository holds, the other named as not synced.
    const now = page.getByRole('form', { name: 'Sync now' });
    await now.getByLabel('Tags to sync (separated by ;)').fill('v3; nope');
    await now.getByLabel('Target organization').fill(namespace);
    await now.getByRole('button', { name: 'Sync Now' }).click();
    await page.getByText('Sync jobs started for v3. Not synced (not in this repository): nope.').waitFor();
    await page.getByTestId('sync-job-v3').waitFor();
    expect(await page.getByTestId('sync-job-v3').textContent()).toContain(`region-2/${namespace}`);
    await shot('repo-06-sync');
  });

  it('creates a repository from My Images, sorts the images by name, and deletes the new repository', async () => {
    await page.getByRole('link', { name: 'My Images' }).click();
    await page.getByRole('button', { name: 'Create Repository' }).click();
    const form = page.getByRole('form', { name: 'Create repository' });
    await form.getByLabel('Organization').selectOption(namespace);
    await form.getByLabel('Repository name').fill('Tools');
    expect(await form.locator('.hint.error').textContent()).toBe('Use lowercase letters and digits, separated by a period, underscore, hyphen or slash.');
    await form.getByLabel('Repository name').fill('tools/base');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: `${namespace}/tools/base` }).waitFor();
    await page.getByText('No tags.').waitFor();
    expect((await admin.call('GET', `/v2/manage/namespaces/${namespace}/repos/tools$base`)).status).toBe(200);

    await page.getByRole('link', { name: 'My Images' }).click();
    await page.getByRole('search').getByLabel('Organization').selectOption(namespace);
    const names = page.locator('tbody tr td:first-child');
    for (const [sort, order] of [['Name (Z-A)', ['tools/base', 'app']], ['Name (A-Z)', ['app', 'tools/base']]] as const) {
      await page.getByLabel('Sort by').selectOption({ label: sort });
      await waitFor(`the images sorted by ${sort}`, async () => JSON.stringify(await names.allTextContents()) === JSON.stringify(order));
    }

    await page.getByRole('link', { name: 'tools/base', exact: true }).click();
    await page.getByRole('button', { name: 'Delete Repository' }).click();
    await page.getByRole('heading', { name: 'My Images' }).waitFor();
    await page.getByTestId(`repository-${namespace}/app`).waitFor();
    expect(await page.getByTestId(`repository-${namespace}/tools/base`).count()).toBe(0);
    expect((await admin.call('GET', `/v2/manage/namespaces/${namespace}/repos/tools$base`)).status).toBe(404);
  });

  it('shows a reader no button that changes anything, and a forged delete the API refuses as a message', async () => {
    await page.getByRole('button', { name: 'Sign Out' }).click();
    await signIn(reader, `${reader}-password`);
    await openRepository();
    await expect(page.getByTestId('repository-permission').textContent()).resolves.toBe('Your permission: Read');
    const changing = ['Delete Repository', 'Delete', 'Edit', 'Revoke', 'Grant Permission', 'Share', 'Add Trigger', 'Disable', 'Enable', 'Redeliver', 'Run Now', 'Create Policy', 'Save', 'Add Sync Rule', 'Sync Now'];
    const visible = async () => {
      const found: string[] = [];
      for (const name of changing) if ((await page.getByRole('button', { name, exact: true }).count()) > 0) found.push(name);
      return found;
    };
    expect(await visible()).toEqual([]);
    const shown: ReadonlyArray<readonly [string, string]> = [
      ['Permissions', `permission-${grantee}`],
      ['Sharing', `share-${other}`],
      ['Triggers', 'trigger-notify'],
      ['Retention', 'retention-rule'],
      ['Image Sync', `sync-rule-region-2-${namespace}`],
    ];
    for (const [name, content] of shown) {
      await tab(name);
      await page.getByTestId(content).waitFor();
      if (name === 'Triggers') {
        await page.getByTestId('trigger-notify').getByRole('button', { name: 'History' }).click();
        await page.getByTestId('delivery-v4').first().waitFor();
      }
      expect([name, await visible()]).toEqual([name, []]);
    }
    // A reader may still try the dry run: it changes nothing.
    await tab('Retention');
    await page.getByRole('button', { name: 'Dry Run' }).click();
    await page.getByTestId('dry-run').waitFor();
    await shot('repo-07-reader');

    // Forge the page's idea of the reader's permission: the delete buttons appear, and the API still refuses.
    await page.route('**/v2/manage/namespaces/*/repos/*/access', async (route) => {
      const answer = await route.fetch();
      const body = await answer.json();
      await route.fulfill({ response: answer, json: { ...body, self_auth: { ...body.self_auth, auth: 7 } } });
    });
    await openRepository();
    await page.getByTestId('tag-v5').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^Insufficient permissions/);
    expect((await admin.call('GET', `${repoPath}/tags/v5`)).status).toBe(200);
    await tab('Sharing');
    await page.getByTestId(`share-${other}`).getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^Insufficient permissions/);
    expect((await admin.call('GET', `/v2/manage/namespaces/${namespace}/repositories/app/access-domains`)).json()).toHaveLength(1);
    await shot('repo-08-forged-delete');
  });
});
