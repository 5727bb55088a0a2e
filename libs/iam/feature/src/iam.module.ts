import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { SecretBox } from '@swr/auth';
import { openDatabase, PostgresOutbox } from '@swr/db';
import { EventPublisher, OutboxRelay } from '@swr/messaging';
import {
  AccessKeys,
  Accounts,
  ApiTokens,
  Authenticator,
  ensureOperatorAccount,
  KeyRing,
  LoginSecrets,
  Organizations,
  Permissions,
  RegistryTokenIssuer,
  Shares,
  SyncPeerLogins,
  Users,
  Visibility,
} from '@swr/iam-core';
import {
  IAM_MIGRATIONS,
  IAM_SCHEMA,
  PostgresAccessGraph,
  PostgresCredentials,
  PostgresDirectory,
  PostgresOrganizationStore,
  PostgresShareStore,
  PostgresSigningKeys,
} from '@swr/iam-infra';
import type { DataSource } from 'typeorm';
import { IamRpcController } from './iam-rpc.controller';
import { IAM_SETTINGS, IamSettings } from './iam-settings';

const IAM_DATABASE = Symbol('IamDatabase');
const IAM_EVENT_RELAY = Symbol('IamEventRelay');

/**
 * Creates the operator account and the signing key on first start, relays the event outbox once every
 * module is up (stopping it first on shutdown), and closes the database.
 */
@Injectable()
class IamLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(IAM_DATABASE) private readonly db: DataSource,
    @Inject(IAM_SETTINGS) private readonly settings: IamSettings,
    @Inject(KeyRing) private readonly keys: KeyRing,
    @Inject(IAM_EVENT_RELAY) private readonly relay: OutboxRelay,
  ) {}

  async onModuleInit(): Promise<void> {
    const { generatedPassword } = await ensureOperatorAccount(new PostgresDirectory(this.db), this.settings.operator);
    if (generatedPassword) {
      const { account, user } = this.settings.operator;
      new Logger('IAM').warn(`created account "${account}" with admin user "${user}" and password: ${generatedPassword} (shown once; set SWR_ADMIN_PASSWORD to choose it)`);
    }
    await this.keys.signingKey();
  }

  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** The IAM bounded context: accounts, users, credentials, the access graph, and registry tokens. */
@Module({})
export class IamModule {
  /** `events`: where the outbox's events go, the JetStream stream or standalone's in-process bus. */
  static forRoot(settings: IamSettings, events: EventPublisher): DynamicModule {
    const box = new SecretBox(settings.encryptionKey);
    return {
      module: IamModule,
      controllers: [IamRpcController],
      providers: [
        { provide: IAM_SETTINGS, useValue: settings },
        { provide: IAM_DATABASE, useFactory: () => openDatabase({ url: settings.databaseUrl, schema: IAM_SCHEMA, migrations: IAM_MIGRATIONS, poolSize: settings.poolSize }) },
        {
          provide: IAM_EVENT_RELAY,
          useFactory: (db: DataSource) =>
            new OutboxRelay(new PostgresOutbox(db, IAM_SCHEMA), events, { onError: (error) => new Logger('IAM').warn(`event relay: ${String(error)}`) }),
          inject: [IAM_DATABASE],
        },
        {
          provide: Authenticator,
          useFactory: (db: DataSource) => new Authenticator(new PostgresDirectory(db), new PostgresCredentials(db), box, settings.region),
          inject: [IAM_DATABASE],
        },
        { provide: KeyRing, useFactory: (db: DataSource) => new KeyRing(new PostgresSigningKeys(db), box), inject: [IAM_DATABASE] },
        {
          provide: RegistryTokenIssuer,
          useFactory: (authenticator: Authenticator, db: DataSource, organizations: Organizations, keys: KeyRing) =>
            new RegistryTokenIssuer(new SyncPeerLogins(authenticator, new PostgresDirectory(db), settings.syncPeerKey), new PostgresAccessGraph(db), organizations, keys, {
              issuer: settings.issuer,
              service: settings.service,
              lifetimeSeconds: settings.registryTokenLifetimeSeconds,
            }),
          inject: [Authenticator, IAM_DATABASE, Organizations, KeyRing],
        },
        {
          provide: ApiTokens,
          useFactory: (authenticator: Authenticator, db: DataSource) => new ApiTokens(authenticator, new PostgresDirectory(db), new PostgresCredentials(db)),
          inject: [Authenticator, IAM_DATABASE],
        },
        { provide: Accounts, useFactory: (db: DataSource) => new Accounts(new PostgresDirectory(db), settings.operator.account), inject: [IAM_DATABASE] },
        { provide: Users, useFactory: (db: DataSource) => new Users(new PostgresDirectory(db)), inject: [IAM_DATABASE] },
        { provide: AccessKeys, useFactory: (db: DataSource) => new AccessKeys(new PostgresDirectory(db), new PostgresCredentials(db), box), inject: [IAM_DATABASE] },
        { provide: LoginSecrets, useFactory: (db: DataSource) => new LoginSecrets(new PostgresCredentials(db), settings.region), inject: [IAM_DATABASE] },
        { provide: Permissions, useFactory: (db: DataSource) => new Permissions(new PostgresAccessGraph(db), new PostgresDirectory(db)), inject: [IAM_DATABASE] },
        {
          provide: Shares,
          useFactory: (db: DataSource, permissions: Permissions) => new Shares(new PostgresShareStore(db), new PostgresDirectory(db), permissions, new PostgresAccessGraph(db)),
          inject: [IAM_DATABASE, Permissions],
        },
        {
          provide: Organizations,
          useFactory: (db: DataSource, permissions: Permissions) =>
            new Organizations(new PostgresOrganizationStore(db), new PostgresAccessGraph(db), permissions, settings.organizationQuota),
          inject: [IAM_DATABASE, Permissions],
        },
        { provide: Visibility, useFactory: (db: DataSource) => new Visibility(new PostgresAccessGraph(db), new PostgresDirectory(db)), inject: [IAM_DATABASE] },
        IamLifecycle,
      ],
    };
  }
}
