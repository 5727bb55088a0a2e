export * from './http-remote-registries';
export * from './metadata-source';
export * from './migrations';
export * from './postgres-sync-store';
