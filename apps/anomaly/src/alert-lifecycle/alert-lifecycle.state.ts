import { z } from 'zod';
import { INITIAL_ALERT_STATE, type AlertState } from '@tideline/stats';

export const ALERT_LIFECYCLE_STATE_SCHEMA = 'tideline.alert-state/1' as const;

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

/** The series' model, persisted with its lifecycle so that both resume from the same point of the stream. */
export const modelSnapshotSchema = z
  .object({
    kind: z.string().min(1),
    lastTs: z.number(),
    observations: z.number().int().nonnegative(),
    /** Snapshot bytes, base64. */
    state: z.base64(),
  })
  .strict();

export type ModelSnapshotRecord = z.infer<typeof modelSnapshotSchema>;

/**
 * What the anomaly service keeps per series in the compacted alert-state topic (keyed by series): the alert
 * lifecycle and the model it was computed with. Written on every phase change and periodically, before the offsets of
 * the records that produced it are committed, so that a restarted instance neither fires an incident again nor forgets
 * to resolve it, and scores on with the same model.
 */
export const anomalySeriesRecordSchema = z
  .object({
    schema: z.literal(ALERT_LIFECYCLE_STATE_SCHEMA),
    series: z.string().min(1),
    /**
     * Event time of the latest point that drove the lifecycle (null before the first). A point at or before it (a
     * redelivery) does not move the lifecycle again: this is what makes alerting idempotent.
     */
    lastTs: z.number().nullable(),
    machine: machineSchema,
    incident: incidentSchema.nullable(),
    model: modelSnapshotSchema.nullable(),
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

/** The record of the alert-state topic in memory. */
export interface AnomalySeriesRecord {
  readonly lifecycle: AlertLifecycleState;
  readonly model: ModelSnapshotRecord | null;
}

export function initialLifecycleState(series: string): AlertLifecycleState {
  return { series, lastTs: Number.NEGATIVE_INFINITY, machine: INITIAL_ALERT_STATE, incident: null };
}

export function cloneLifecycle(state: AlertLifecycleState): AlertLifecycleState {
  return { ...state, machine: { ...state.machine }, incident: state.incident === null ? null : { ...state.incident } };
}

const nullIfNotFinite = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function encodeAnomalySeriesRecord(record: AnomalySeriesRecord): string {
  const { lifecycle, model } = record;
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
    model,
  });
}

/** Throws when the bytes are not a record of this schema version. */
export function decodeAnomalySeriesRecord(bytes: Uint8Array | string): AnomalySeriesRecord {
  const text =
    typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const wire = anomalySeriesRecordSchema.parse(JSON.parse(text));
  return {
    lifecycle: {
      series: wire.series,
      lastTs: wire.lastTs ?? Number.NEGATIVE_INFINITY,
      machine: {
        status: wire.machine.status,
        sinceMs: wire.machine.sinceMs ?? Number.NaN,
        firedAtMs: wire.machine.firedAtMs ?? Number.NaN,
        peakScore: wire.machine.peakScore,
      },
      incident: wire.incident,
    },
    model: wire.model,
  };
}
