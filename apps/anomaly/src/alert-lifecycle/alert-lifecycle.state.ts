import { z } from 'zod';

export const ALERT_LIFECYCLE_STATE_SCHEMA = 'tideline.alert-state/1' as const;

export const lifecyclePhaseSchema = z.enum(['normal', 'pending', 'firing', 'recovering']);
export type LifecyclePhase = z.infer<typeof lifecyclePhaseSchema>;

/** The open incident of a series (from its first anomalous point until it resolves). */
export const incidentSchema = z
  .object({
    id: z.string().min(1),
    startedAt: z.number().int(),
    /** Event time of the point that made it fire; 0 while pending. */
    firedAt: z.number().int(),
    peakScore: z.number().min(0).max(1),
    detector: z.string(),
  })
  .strict();

export type Incident = z.infer<typeof incidentSchema>;

/**
 * One series' alert lifecycle, as kept in the compacted alert-state topic (keyed by series). Persisted on every phase
 * change, before the offsets of the records that caused it are committed, so that a restarted instance neither fires
 * an incident again nor forgets to resolve it.
 */
export const alertLifecycleStateSchema = z
  .object({
    schema: z.literal(ALERT_LIFECYCLE_STATE_SCHEMA),
    series: z.string().min(1),
    phase: lifecyclePhaseSchema,
    /** Event time at which the current pending or recovering run began. */
    since: z.number().int(),
    /** Points in the current pending or recovering run. */
    points: z.number().int().nonnegative(),
    /**
     * Event time of the latest point that drove the lifecycle. A point at or before it (a redelivery) is scored but
     * does not move the lifecycle again: this is what makes alerting idempotent. Null before the first point (JSON
     * has no -Infinity); -Infinity in memory.
     */
    lastTs: z.number().nullable(),
    incident: incidentSchema.nullable(),
  })
  .strict();

/** The state in memory: as persisted, with `lastTs` -Infinity before the first point. */
export type AlertLifecycleState = Omit<z.infer<typeof alertLifecycleStateSchema>, 'lastTs'> & { lastTs: number };

export function initialLifecycleState(series: string): AlertLifecycleState {
  return {
    schema: ALERT_LIFECYCLE_STATE_SCHEMA,
    series,
    phase: 'normal',
    since: 0,
    points: 0,
    lastTs: Number.NEGATIVE_INFINITY,
    incident: null,
  };
}

/** JSON has no -Infinity: the initial `lastTs` travels as null. */
export function encodeLifecycleState(state: AlertLifecycleState): string {
  return JSON.stringify(state, (key, value: unknown) =>
    key === 'lastTs' && value === Number.NEGATIVE_INFINITY ? null : value,
  );
}

/** Throws a zod error when the bytes are not a lifecycle state of this schema version. */
export function decodeLifecycleState(bytes: Uint8Array | string): AlertLifecycleState {
  const text =
    typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const wire = alertLifecycleStateSchema.parse(JSON.parse(text));
  return { ...wire, lastTs: wire.lastTs ?? Number.NEGATIVE_INFINITY };
}
