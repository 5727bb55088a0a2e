export * from './ports';
export * from './retention-error';
export * from './retention-policies';
export * from './retention-rules';
