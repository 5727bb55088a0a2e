export * from './rpc';
export * from './metadata/metadata.contracts';
export * from './metadata/metadata-errors';
export * from './metadata/repository.contracts';
export * from './metadata/schemas';
export * from './iam/iam.contracts';
export * from './iam/iam-errors';
export * from './events/event-envelope';
