export * from './gateway-app';
export * from './api-docs';
export * from './console-routes';
