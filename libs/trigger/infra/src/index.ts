export * from './http-webhook-sender';
export * from './migrations';
export * from './postgres-trigger-store';
