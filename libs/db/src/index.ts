export * from './database';
export * from './embedded-postgres';
export * from './touched';
export * from './outbox';
export * from './postgres-listener';
export * from './processed-events';
export * from './outbox-backlog';
export * from './transient-commit';
