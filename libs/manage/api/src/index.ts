export * from './manage-api.module';
export * from './manage.operations';
export * from './archive-imports';
export * from './archive.operations';
