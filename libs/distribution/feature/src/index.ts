export * from './distribution.module';
export * from './registry-routes';
