export * from './api-error';
export * from './body';
export * from './caller.guard';
export * from './envelopes';
export * from './error-filters';
export * from './json-bodies';
