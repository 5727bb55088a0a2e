export * from './distribution.module';
export * from './registry-reads';
export * from './registry-routes';
export * from './token-routes';
