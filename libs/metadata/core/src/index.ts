export * from './blob.service';
export * from './manifest.service';
export * from './ports';
export * from './upload.service';
export * from './metadata-error';
export * from './repository-catalog';
export * from './repository.service';
export * from './garbage-collector';
