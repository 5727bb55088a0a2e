export * from './audit-trail';
export * from './ports';
export * from './trace';
export * from './trace-names';
