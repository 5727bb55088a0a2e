export * from './metadata.module';
