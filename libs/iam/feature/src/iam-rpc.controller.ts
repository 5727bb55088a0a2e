import { Controller, Inject } from '@nestjs/common';
import { IamRpc, RequestOf } from '@swr/contracts';
import { KeyRing, RegistryTokenIssuer } from '@swr/iam-core';
import { Handles } from '@swr/messaging';
import { IAM_SETTINGS, IamSettings } from './iam-settings';

/** The IAM service's request/reply surface. */
@Controller()
export class IamRpcController {
  constructor(
    @Inject(RegistryTokenIssuer) private readonly issuer: RegistryTokenIssuer,
    @Inject(KeyRing) private readonly keys: KeyRing,
    @Inject(IAM_SETTINGS) private readonly settings: IamSettings,
  ) {}

  @Handles(IamRpc.registryTokenIssue)
  registryTokenIssue(req: RequestOf<typeof IamRpc.registryTokenIssue>) {
    return this.issuer.issue(req);
  }

  @Handles(IamRpc.signingKeysList)
  async signingKeysList() {
    return { issuer: this.settings.issuer, service: this.settings.service, keys: await this.keys.publicKeys() };
  }
}
