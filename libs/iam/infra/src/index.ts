export * from './migrations';
export * from './postgres-access-graph';
export * from './postgres-credentials';
export * from './postgres-directory';
export * from './postgres-organization-store';
export * from './postgres-share-store';
export * from './events';
