import { z } from 'zod';
import { DEFAULTS } from '../defaults';
import { checkKafkaSecurity, kafkaSaslSchema, kafkaSslSchema } from './kafka-security';

const brokerAddress = z
  .string()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port')
  .describe('host:port, e.g. 127.0.0.1:19092');

/** Where Kafka is, how Tideline's clients connect and authenticate (TLS, SASL), and how its topics are created. */
export const kafkaSectionSchema = z
  .object({
    brokers: z
      .array(brokerAddress)
      .min(1, 'must list at least one broker')
      .default([...DEFAULTS.kafka.brokers])
      .describe('a non-empty list of host:port (env: comma-separated), e.g. 127.0.0.1:19092'),
    clientId: z.string().min(1).default(DEFAULTS.kafka.clientId).describe('a non-empty client id'),
    partitions: z.number().int().min(1).max(1000).default(DEFAULTS.kafka.partitions).describe('an integer 1-1000'),
    scaleOutPartitions: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(DEFAULTS.kafka.scaleOutPartitions)
      .describe('an integer 1-1000'),
    replicationFactor: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(DEFAULTS.kafka.replicationFactor)
      .describe('an integer 1-10'),
    retentionMs: z
      .number()
      .int()
      .min(60_000)
      .default(DEFAULTS.kafka.retentionMs)
      .describe('an integer number of milliseconds >= 60000'),
    ssl: kafkaSslSchema,
    sasl: kafkaSaslSchema,
  })
  .strict()
  .superRefine(checkKafkaSecurity);

export type KafkaSection = z.infer<typeof kafkaSectionSchema>;
