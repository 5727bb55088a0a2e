export * from './job-scheduler';
export * from './in-process.job-scheduler';
export * from './bull.job-scheduler';
export * from './job-queue';
export * from './in-process.job-queue';
export * from './bull.job-queue';
export * from './job-counts';
