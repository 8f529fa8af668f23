export * from './expect-eventually';
export * from './unique-names';
export * from './stack-env';
export * from './fixtures';
export * from './read-topic';
export * from './stack-harness';
export * from './node-exporter';
export * from './private-influxd';
