export * from './influx-errors';
export * from './line-protocol';
export * from './line-bytes';
export * from './influx-client';
export * from './batch-writer';
export * from './partial-write';
