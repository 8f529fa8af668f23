import { z } from 'zod';
import { ContractValidationError, toFieldIssues } from './validation-error';

export const MODEL_CHECKPOINT_SCHEMA = 'tideline.model-checkpoint/1' as const;

/**
 * The latest model state of one series, on the compacted `TOPICS.modelCheckpoints` topic keyed by series id. Written
 * by the baseline service before it commits the offsets of the points the model learned; read back by the baseline
 * service after a restart or partition move and by the anomaly service to start a series' model warm. A tombstone
 * (null value) forgets the series.
 */
export const modelCheckpointSchema = z
  .object({
    schema: z.literal(MODEL_CHECKPOINT_SCHEMA),
    series: z.string().min(1),
    /** Model family (a checkpoint of another family is not restored but relearned). */
    kind: z.string().min(1),
    /** Event time (epoch ms) of the latest point learned: later redeliveries of earlier points are not learned again. */
    lastTs: z.number(),
    observations: z.number().int().nonnegative(),
    /** The model's snapshot bytes, base64. */
    state: z.base64(),
    /**
     * The open bucket of the series' trend summary (libs/stats `TrendBucket` snapshot, versioned, base64), only for a
     * series the reporter projects to a limit; the closed buckets are in InfluxDB's `trend_buckets`. Optional, so
     * checkpoints written before it still restore (with a new open bucket); a reader from before it refuses a record
     * that carries it (strict) and relearns that series.
     */
    trend: z.base64().optional(),
  })
  .strict();

export type ModelCheckpoint = z.infer<typeof modelCheckpointSchema>;

export function parseModelCheckpoint(input: unknown): ModelCheckpoint {
  const result = modelCheckpointSchema.safeParse(input);
  if (!result.success) throw new ContractValidationError(MODEL_CHECKPOINT_SCHEMA, toFieldIssues(result.error));
  return result.data;
}
