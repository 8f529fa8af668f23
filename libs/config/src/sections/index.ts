export * from './kafka.section';
export * from './influx.section';
export * from './http.section';
export * from './log.section';
export * from './services.section';
export * from './baseline.section';
export * from './anomaly.section';
export * from './collector.section';
