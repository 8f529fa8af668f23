import { InfluxError } from './influx-errors';

/**
 * Why InfluxDB refused a point of a write, from its error text: its series limits (`max-values-per-tag`,
 * `max-series-per-database`), a field whose type differs from the stored one, a line it cannot parse, or another
 * refusal (`influx_rejected`).
 */
export type InfluxRejectionReason =
  | 'influx_max_values_per_tag'
  | 'influx_max_series_per_database'
  | 'influx_field_type_conflict'
  | 'influx_unparsable'
  | 'influx_rejected';

/** A point (one line-protocol line) InfluxDB refused, with its reason and InfluxDB's own message. */
export interface RejectedPoint {
  readonly line: string;
  readonly reason: InfluxRejectionReason;
  readonly message: string;
}

/**
 * Whether a failed write may have been partly stored and is worth splitting: InfluxDB 1.x answers HTTP 400 both for a
 * partial write (`partial write: … dropped=N`: the other points are stored) and for lines it cannot parse (it stores
 * the good lines of the request all the same).
 */
export function isPointRejection(error: unknown): error is InfluxError {
  return error instanceof InfluxError && error.status === 400;
}

/** The `dropped=N` of a partial write, or undefined. */
export function droppedCount(message: string): number | undefined {
  const match = /dropped=(\d+)/.exec(message);
  return match ? Number(match[1]) : undefined;
}

export function rejectionReason(message: string): InfluxRejectionReason {
  if (/max-values-per-tag/.test(message)) return 'influx_max_values_per_tag';
  if (/max-series-per-database/.test(message)) return 'influx_max_series_per_database';
  if (/field type conflict/.test(message)) return 'influx_field_type_conflict';
  if (/unable to parse/.test(message)) return 'influx_unparsable';
  return 'influx_rejected';
}

/**
 * Finds which lines of a refused write InfluxDB refuses, by writing halves again (bisection): a part written whole is
 * stored, a part InfluxDB refuses as a whole (`dropped` = its size) is rejected with InfluxDB's message, any other
 * part is split again, down to single lines. Writing a stored point again is harmless (same series, time and fields),
 * so a part that was partly stored by an earlier attempt is simply written again. Costs about `2 × rejected × log2(n)`
 * requests at worst, one when every line is refused.
 *
 * `write` throws what the client throws: a retriable error (the server went away meanwhile) ends the search and is
 * rethrown, so the caller retries the whole batch.
 */
export async function isolateRejectedLines(
  lines: readonly string[],
  firstError: InfluxError,
  write: (lines: readonly string[]) => Promise<void>,
): Promise<{ stored: number; rejected: RejectedPoint[] }> {
  let stored = 0;
  const rejected: RejectedPoint[] = [];
  const refuse = (part: readonly string[], message: string) => {
    const reason = rejectionReason(message);
    for (const line of part) rejected.push({ line, reason, message });
  };
  const search = async (part: readonly string[], error: InfluxError): Promise<void> => {
    const message = error.influxMessage ?? error.message;
    if (part.length === 1 || droppedCount(message) === part.length) {
      refuse(part, message);
      return;
    }
    const middle = Math.ceil(part.length / 2);
    for (const half of [part.slice(0, middle), part.slice(middle)]) {
      try {
        await write(half);
        stored += half.length;
      } catch (halfError) {
        if (!isPointRejection(halfError)) throw halfError;
        await search(half, halfError);
      }
    }
  };
  await search(lines, firstError);
  return { stored, rejected };
}
