export * from './migrations';
export * from './postgres-blob-links';
export * from './postgres-manifest-index';
export * from './postgres-upload-sessions';
