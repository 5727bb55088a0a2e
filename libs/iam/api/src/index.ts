export * from './iam-api.module';
export * from './iam-api.settings';
export * from './identity.controller';
export * from './iam-api.operations';
