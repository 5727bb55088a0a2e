export * from './iam-settings';
export * from './iam.module';
export * from './iam-environment';
