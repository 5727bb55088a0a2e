export * from './trigger.module';
export * from './trigger-environment';
