export * from './gateway-app';
