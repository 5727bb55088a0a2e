export * from './gateway-app';
export * from './api-docs';
