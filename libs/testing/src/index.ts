export * from './containerd';
export * from './dockerd';
export * from './nats-server';
export * from './ports';
export * from './processes';
export * from './redis-server';
export * from './registries';
export * from './s3-server';
