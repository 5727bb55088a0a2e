export * from './distribution.module';
export * from './registry-routes';
export * from './token-routes';
