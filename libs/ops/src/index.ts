export * from './dependency-checks';
export * from './metrics';
export * from './ops-environment';
export * from './ops-server';
export * from './readiness';
export * from './process-ops';
