export * from './job-scheduler';
export * from './in-process.job-scheduler';
export * from './bull.job-scheduler';
