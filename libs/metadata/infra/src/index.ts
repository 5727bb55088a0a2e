export * from './cached-access';
export * from './change-feed';
export * from './migrations';
export * from './postgres-blob-links';
export * from './postgres-manifest-index';
export * from './postgres-upload-sessions';
export * from './read-cache';
export * from './postgres-repository-catalog';
