export * from './migrations';
export * from './postgres-trace-store';
