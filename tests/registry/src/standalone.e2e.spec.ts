import { OciClient, uniqueName } from './support/oci-client';
import { describeOciConformance } from './support/oci-conformance';
import { describeIamAndLogins } from './support/iam-suite';
import { describeManagementApi } from './support/manage-suite';
import { describeRealClients } from './support/real-clients';
import { RegistryUnderTest, startStandaloneRegistry, tempDir } from './support/registry-under-test';

describe('standalone registry', () => {
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startStandaloneRegistry();
  }, 60_000);
  afterAll(() => registry?.stop());

  describeOciConformance(() => registry);

  describe('real clients', () => describeRealClients(() => registry));

  describe('IAM and logins', () => describeIamAndLogins(() => registry));

  describe('management API', () => describeManagementApi(() => registry));
});

describe('standalone registry across restarts', () => {
  it('exits cleanly on Ctrl-C and serves what it stored after a restart', async () => {
    const dataDir = tempDir('swr-restart-');
    const first = await startStandaloneRegistry(dataDir, { keepData: true });
    const name = uniqueName('restart');
    const image = await new OciClient(first.url, first.admin).pushImage(name, 'v1');
    const upload = await new OciClient(first.url, first.admin).startUpload(name);
    await new OciClient(first.url, first.admin).request('PATCH', upload, { body: Buffer.alloc(1000, 7) });
    const gateway = first.gateways[0].process;
    await first.stop();
    expect(await gateway.exited).toBe(0);

    const second = await startStandaloneRegistry(dataDir);
    try {
      const oci = new OciClient(second.url, second.admin);
      const got = await oci.request('GET', `/v2/${name}/manifests/v1`);
      expect(got.body.equals(image.body)).toBe(true);
      expect((await oci.request('GET', upload)).header('range')).toBe('0-999');
    } finally {
      await second.stop();
    }
  }, 120_000);
});
