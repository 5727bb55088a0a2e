export * from './handles.decorator';
export * from './in-process.transport';
export * from './nats.transport';
export * from './rpc-client';
export * from './event-publisher';
export * from './outbox-relay';
