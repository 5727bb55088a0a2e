import { DynamicModule, Module } from '@nestjs/common';
import { API_IAM_RPC, CallerGuard } from '@swr/api-http';
import type { RpcClient } from '@swr/contracts';
import { AccountController, VersionsController } from './account.controller';
import { ARCHIVE_IMPORTS, ArchiveImports } from './archive-imports';
import { ArchivesController } from './archives.controller';
import { GarbageController } from './garbage.controller';
import { RetentionsController } from './retentions.controller';
import { SyncController } from './sync.controller';
import { MANAGE_RPC, MANAGE_SETTINGS, ManageApiSettings } from './manage-api.settings';
import { NamespacesController } from './namespaces.controller';
import { RepositoriesController } from './repositories.controller';
import { TagsController } from './tags.controller';
import { TracesController } from './traces.controller';
import { TriggersController } from './triggers.controller';

/** SWR's management API for organizations, repositories, tags, quotas, API versions and the audit trail, served by the gateway. */
@Module({})
export class ManageApiModule {
  static forRoot(options: ManageApiSettings & { rpc: RpcClient; /** Image archive uploads, through the registry's upload path. */ archives: ArchiveImports }): DynamicModule {
    return {
      module: ManageApiModule,
      controllers: [NamespacesController, RepositoriesController, TagsController, AccountController, VersionsController, TracesController, TriggersController, GarbageController, RetentionsController, SyncController, ArchivesController],
      providers: [
        { provide: MANAGE_RPC, useValue: options.rpc },
        { provide: API_IAM_RPC, useValue: options.rpc },
        { provide: MANAGE_SETTINGS, useValue: { region: options.region, publicUrl: options.publicUrl } },
        { provide: ARCHIVE_IMPORTS, useValue: options.archives },
        CallerGuard,
      ],
    };
  }
}
