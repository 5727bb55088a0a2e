export * from './sync-environment';
export * from './sync.module';
