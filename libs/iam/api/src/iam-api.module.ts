import { DynamicModule, Module } from '@nestjs/common';
import { API_IAM_RPC, CallerGuard } from '@swr/api-http';
import type { RpcClient } from '@swr/contracts';
import { IAM_API_RPC, IAM_API_SETTINGS, IamApiSettings } from './iam-api.settings';
import { IdentityController } from './identity.controller';
import { LoginCommandController } from './login-command.controller';
import { PermissionsController } from './permissions.controller';
import { SharesController } from './shares.controller';

/** The IAM-compatible HTTP API and SWR's login commands, served by the gateway. */
@Module({})
export class IamApiModule {
  static forRoot(options: IamApiSettings & { iamRpc: RpcClient }): DynamicModule {
    return {
      module: IamApiModule,
      controllers: [IdentityController, LoginCommandController, PermissionsController, SharesController],
      providers: [
        { provide: IAM_API_RPC, useValue: options.iamRpc },
        { provide: API_IAM_RPC, useValue: options.iamRpc },
        { provide: IAM_API_SETTINGS, useValue: { region: options.region, publicUrl: options.publicUrl } },
        CallerGuard,
      ],
    };
  }
}
