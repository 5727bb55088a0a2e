import { describeOciConformance } from './support/oci-conformance';
import { describeRealClients } from './support/real-clients';
import { RegistryUnderTest, startStandaloneRegistry } from './support/registry-under-test';

describe('standalone registry', () => {
  let registry: RegistryUnderTest;
  beforeAll(async () => {
    registry = await startStandaloneRegistry();
  }, 60_000);
  afterAll(() => registry?.stop());

  describeOciConformance(() => registry);

  describe('real clients', () => describeRealClients(() => registry));
});
