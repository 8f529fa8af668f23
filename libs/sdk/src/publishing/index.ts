export * from './buffered-publisher';
export * from './drop-oldest-queue';
export * from './kafka-record-sink';
