export * from './metadata-tag-catalog';
export * from './migrations';
export * from './postgres-retention-store';
