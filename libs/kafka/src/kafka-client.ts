import { Kafka, logLevel as KafkaLogLevel, type KafkaConfig, type RetryOptions as KafkaRetryOptions } from 'kafkajs';
import type { KafkaSection } from '@tideline/config';
import { applyKafkajsCrc32cFix } from './kafkajs-crc32c.fix';
import { applyKafkajsIdleLoopFix } from './kafkajs-idle-loop.fix';
import { applyKafkajsRecordDecoderFix } from './kafkajs-record-decoder.fix';
import { applyKafkajsRecordEncoderFix } from './kafkajs-record-encoder.fix';
import { kafkajsSecurity, redactingLogCreator } from './kafka-security';

export interface CreateKafkaOptions {
  /** Overrides `section.clientId`, e.g. `tideline-collector`. */
  readonly clientId?: string;
  /** kafkajs log level; default WARN. */
  readonly logLevel?: KafkaLogLevel;
  /** kafkajs' own retry for broker requests. */
  readonly retry?: KafkaRetryOptions;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * A kafkajs client from the `kafka` config section, with its TLS and SASL settings (`kafka.ssl`, `kafka.sasl`).
 * Every Kafka client Tideline creates goes through here (the SDK, which has no config, takes kafkajs' own options).
 */
export function createKafka(
  section: Pick<KafkaSection, 'brokers' | 'clientId'> & Partial<Pick<KafkaSection, 'ssl' | 'sasl'>>,
  options: CreateKafkaOptions = {},
): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId ?? section.clientId,
    brokers: [...section.brokers],
    ...kafkajsSecurity(section),
    logCreator: redactingLogCreator(section.sasl ? [section.sasl.password] : []),
    logLevel: options.logLevel ?? KafkaLogLevel.WARN,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    ...(options.retry ? { retry: options.retry } : {}),
  };
  applyKafkajsIdleLoopFix();
  applyKafkajsCrc32cFix();
  applyKafkajsRecordDecoderFix();
  applyKafkajsRecordEncoderFix();
  return new Kafka(config);
}
