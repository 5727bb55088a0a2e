export * from './image-copier';
export * from './image-sync';
export * from './image-tree';
export * from './ports';
export * from './sync-error';
export * from './sync-regions';
