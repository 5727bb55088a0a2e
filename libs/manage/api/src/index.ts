export * from './manage-api.module';
export * from './manage.operations';
