import type { RejectedPoint } from '@tideline/influx';
import { DEAD_LETTER_HEADERS, type IdempotentProducer, type OutgoingRecord } from '@tideline/kafka';

/** Records per produce call: a refused line is at most a few hundred bytes, so a call stays well under 1 MiB. */
const RECORDS_PER_SEND = 1000;

/** Longest InfluxDB message kept in the detail header (it may quote the line). */
const MAX_DETAIL_CHARS = 2000;

/** The `series` tag of a line-protocol line, unescaped (the series key, as on the other topics), or null. */
export function seriesTagOf(line: string): string | null {
  const escaped = /,series=((?:[^,\\ ]|\\.)*)/.exec(line)?.[1];
  return escaped === undefined ? null : escaped.replace(/\\(.)/g, '$1');
}

/**
 * The points dead-letter topic's record of one point InfluxDB refused: key its series, value the line-protocol line
 * itself, headers `tideline.dlq.reason` (InfluxDB's reason, e.g. `influx_max_values_per_tag`), `tideline.dlq.detail`
 * (InfluxDB's message) and `tideline.dlq.failed-at`.
 */
export function rejectedPointRecord(point: RejectedPoint, failedAtMs: number): OutgoingRecord {
  return {
    key: seriesTagOf(point.line),
    value: point.line,
    headers: {
      [DEAD_LETTER_HEADERS.reason]: point.reason,
      [DEAD_LETTER_HEADERS.detail]: point.message.slice(0, MAX_DETAIL_CHARS),
      [DEAD_LETTER_HEADERS.failedAt]: String(failedAtMs),
    },
  };
}

/**
 * Publishes the points InfluxDB refused one by one (libs/influx's `BatchWriter` hands them to `onRejectedPoints` once
 * it has split the refused write) to the points dead-letter topic, and resolves once the broker has acknowledged them
 * all; a failure rejects, and the writer retries. Both pipeline services use it: the baseline service for its points,
 * bands and scores, the anomaly service for its `alerts` rows.
 */
export async function publishRejectedPoints(
  producer: IdempotentProducer,
  topic: string,
  points: readonly RejectedPoint[],
  nowMs = Date.now(),
): Promise<void> {
  const records = points.map((point) => rejectedPointRecord(point, nowMs));
  for (let i = 0; i < records.length; i += RECORDS_PER_SEND)
    await producer.send(topic, records.slice(i, i + RECORDS_PER_SEND));
}
