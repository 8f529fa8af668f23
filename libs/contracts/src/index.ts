export * from './topics';
export * from './limits';
export * from './validation-error';
export * from './series-key';
export * from './metric-event.schema';
export * from './alert-event.schema';
export * from './baseline-update.schema';
export * from './influx-measurements';
