export * from './kafka-client';
export * from './kafka-security';
export * from './ensure-topics';
export * from './kafka-record';
export * from './idempotent-producer';
export * from './key-partitioner';
export * from './dead-letter';
export * from './partition-checkpoint';
export * from './batch-consumer';
export * from './consumer-lag';
export * from './compacted-table';
export * from './table-store';
export * from './sqlite-table-store';
export { applyKafkajsIdleLoopFix } from './kafkajs-idle-loop.fix';
export {
  PartitionedStore,
  type EvictionReason,
  type PartitionedStoreOptions,
  type PartitionedStoreStats,
} from './partitioned-store';
