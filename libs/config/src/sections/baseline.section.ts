import { z } from 'zod';
import { TOPICS } from '@tideline/contracts';

const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name')
  .describe('a Kafka topic name (letters, digits, . _ -)');

/** The baseline service: which topics it reads and writes, and how it checkpoints its models. */
export const baselineSectionSchema = z
  .object({
    topics: z
      .object({
        metrics: topicName.default(TOPICS.metrics),
        baselines: topicName.default(TOPICS.baselines),
        modelCheckpoints: topicName.default(TOPICS.modelCheckpoints),
      })
      .strict()
      .prefault({}),
    consumerGroup: z.string().min(1).default('tideline-baseline').describe('a non-empty consumer group id'),
    partitionsConsumedConcurrently: z.number().int().min(1).max(64).default(2).describe('an integer 1-64'),
    /**
     * Least time between two checkpoints of one series. 0 checkpoints every changed series with every batch, before
     * the batch's offsets are committed, so a restart resumes exactly; a larger value writes fewer checkpoints, and
     * a restart does not re-learn the points of the last interval.
     */
    checkpointIntervalMs: z.number().int().min(0).default(0).describe('an integer number of milliseconds >= 0'),
    /** Whether the metrics topic's bad records go to its dead-letter topic (the baseline service owns it). */
    deadLetter: z.boolean().default(true).describe('true or false'),
  })
  .strict();

export type BaselineSection = z.infer<typeof baselineSectionSchema>;
