import { z } from 'zod';
import { TOPICS } from '@tideline/contracts';

const topicName = z
  .string()
  .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a Kafka topic name')
  .describe('a Kafka topic name (letters, digits, . _ -)');

/** The baseline service (the model stage): which topics it reads and writes, how it checkpoints its models. */
export const baselineSectionSchema = z
  .object({
    topics: z
      .object({
        metrics: topicName.default(TOPICS.metrics),
        baselines: topicName.default(TOPICS.baselines),
        modelCheckpoints: topicName.default(TOPICS.modelCheckpoints),
        /** Where the points InfluxDB refused go, each with InfluxDB's reason. */
        pointsDeadLetter: topicName.default(TOPICS.pointsDeadLetter),
      })
      .strict()
      .prefault({}),
    consumerGroup: z.string().min(1).default('tideline-baseline').describe('a non-empty consumer group id'),
    partitionsConsumedConcurrently: z.number().int().min(1).max(64).default(2).describe('an integer 1-64'),
    /**
     * Least time between two checkpoints of one series (a checkpoint is ~10 KB). 0 checkpoints every series that
     * learned with every batch, before the batch's offsets are committed, so a restart resumes exactly (no point
     * learned twice or lost); with an interval (like Kafka Streams' commit interval) a restart does not relearn the
     * points committed since a series' last checkpoint, at most this long of data.
     */
    checkpointIntervalMs: z.number().int().min(0).default(30_000).describe('an integer number of milliseconds >= 0'),
    /**
     * Where the model-checkpoint table keeps its on-disk copy of the compacted checkpoint topic (an SQLite file, only a
     * cache: rebuilt from the topic at every start, in a fresh folder made inside this one and removed at stop). Unset:
     * the OS temp folder. Needs room for the topic's size (~10 KB per series ever checkpointed).
     */
    checkpointTableDir: z.string().min(1).optional().describe('a folder path'),
    /** Whether the metrics topic's bad records go to its dead-letter topic (the baseline service owns it). */
    deadLetter: z.boolean().default(true).describe('true or false'),
    /** Write anomaly scores to InfluxDB (`anomaly_scores`). */
    writeScores: z.boolean().default(true).describe('true or false'),
    /**
     * Resolution of the written scores, in event time: per series, the point with the highest score of each window
     * this long (a series sampled less often keeps every point). 0 writes every point's score.
     */
    scoreResolutionMs: z.number().int().min(0).default(10_000).describe('an integer number of milliseconds >= 0'),
  })
  .strict();

export type BaselineSection = z.infer<typeof baselineSectionSchema>;
