import { z } from 'zod';
import { INITIAL_ALERT_STATE, type AlertState } from '@tideline/stats';

/** Version 2 holds the lifecycle alone; version 1 also held the series' model, which the baseline service now owns. */
export const ALERT_LIFECYCLE_STATE_SCHEMA = 'tideline.alert-state/2' as const;
const ALERT_LIFECYCLE_STATE_SCHEMA_V1 = 'tideline.alert-state/1' as const;

/** The open (or last) incident of a series: from its first breaching point until it resolves. */
export const incidentSchema = z
  .object({
    id: z.string().min(1),
    startedAt: z.number().int(),
    /** Event time of the point that made it fire; null while pending. */
    firedAt: z.number().int().nullable(),
    /** Event time of the first calm point of the clearing that resolved it; null until resolved. */
    resolvedAt: z.number().int().nullable(),
    peakScore: z.number().min(0).max(1),
    detector: z.string(),
    /**
     * With `severity: auto`, the severity the incident has reached (it only rises: warning → critical); absent in
     * records written before severity followed magnitude and duration (then derived from `peakScore`).
     */
    severity: z.enum(['warning', 'critical']).optional(),
  })
  .strict();

export type Incident = z.infer<typeof incidentSchema>;

/** libs/stats' `AlertState` on the wire (NaN travels as null). */
const machineSchema = z
  .object({
    status: z.enum(['ok', 'pending', 'firing', 'clearing']),
    sinceMs: z.number().nullable(),
    firedAtMs: z.number().nullable(),
    peakScore: z.number(),
  })
  .strict();

/** Version 1's model snapshot (read, ignored). */
const modelSnapshotSchema = z
  .object({
    kind: z.string().min(1),
    lastTs: z.number(),
    observations: z.number().int().nonnegative(),
    /** Snapshot bytes, base64. */
    state: z.base64(),
  })
  .strict();

/**
 * What the anomaly service keeps per series in the compacted alert-state topic (keyed by series): the alert
 * lifecycle. Written on every phase change, before the offsets of the records that produced it are committed, so that
 * a restarted instance neither fires an incident again nor forgets to resolve it.
 */
export const anomalySeriesRecordSchema = z
  .object({
    schema: z.enum([ALERT_LIFECYCLE_STATE_SCHEMA, ALERT_LIFECYCLE_STATE_SCHEMA_V1]),
    series: z.string().min(1),
    /**
     * Event time of the latest point that drove the lifecycle (null before the first). A point at or before it (a
     * redelivery) does not move the lifecycle again: this is what makes alerting idempotent.
     */
    lastTs: z.number().nullable(),
    machine: machineSchema,
    incident: incidentSchema.nullable(),
    /** Version 1 only: read and ignored. */
    model: modelSnapshotSchema.nullable().optional(),
  })
  .strict();

/** A series' alert lifecycle in memory. */
export interface AlertLifecycleState {
  readonly series: string;
  /** -Infinity before the first point. */
  lastTs: number;
  machine: AlertState;
  incident: Incident | null;
}

export function initialLifecycleState(series: string): AlertLifecycleState {
  return { series, lastTs: Number.NEGATIVE_INFINITY, machine: INITIAL_ALERT_STATE, incident: null };
}

export function cloneLifecycle(state: AlertLifecycleState): AlertLifecycleState {
  return { ...state, machine: { ...state.machine }, incident: state.incident === null ? null : { ...state.incident } };
}

const nullIfNotFinite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** The alert-state topic's record of a series (keyed by series). */
export function encodeLifecycleRecord(lifecycle: AlertLifecycleState): string {
  return JSON.stringify({
    schema: ALERT_LIFECYCLE_STATE_SCHEMA,
    series: lifecycle.series,
    lastTs: nullIfNotFinite(lifecycle.lastTs),
    machine: {
      status: lifecycle.machine.status,
      sinceMs: nullIfNotFinite(lifecycle.machine.sinceMs),
      firedAtMs: nullIfNotFinite(lifecycle.machine.firedAtMs),
      peakScore: lifecycle.machine.peakScore,
    },
    incident: lifecycle.incident,
  });
}

/** Throws when the bytes are not a record of a schema version this build reads (1 or 2). */
export function decodeLifecycleRecord(bytes: Uint8Array | string): AlertLifecycleState {
  const text =
    typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const wire = anomalySeriesRecordSchema.parse(JSON.parse(text));
  return {
    series: wire.series,
    lastTs: wire.lastTs ?? Number.NEGATIVE_INFINITY,
    machine: {
      status: wire.machine.status,
      sinceMs: wire.machine.sinceMs ?? Number.NaN,
      firedAtMs: wire.machine.firedAtMs ?? Number.NaN,
      peakScore: wire.machine.peakScore,
    },
    incident: wire.incident,
  };
}
