export * from './blob.service';
export * from './manifest.service';
export * from './ports';
export * from './upload.service';
