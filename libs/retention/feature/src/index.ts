export * from './retention-environment';
export * from './retention.module';
