export * from './access';
export * from './blob-reads';
export * from './blob-uploads';
export * from './listings';
export * from './manifests';
export * from './metadata-client';
export * from './registry-paths';
export * from './token-access-policy';
