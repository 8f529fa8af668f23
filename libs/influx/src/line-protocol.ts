/** A field value: numbers are floats, `bigint` is written as an integer (`42i`). */
export type FieldValue = number | bigint | string | boolean;

/** One point. Times are epoch milliseconds (precision `ms`). */
export interface Point {
  readonly measurement: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** Epoch ms; omitted means "server time on arrival". */
  readonly timestampMs?: number;
}

/**
 * Serialises a point to InfluxDB line protocol with ms timestamps, escaping as the spec requires. Tags are sorted
 * (InfluxDB's recommendation), empty tag values are dropped (InfluxDB rejects them), non-finite numbers throw.
 */
export function toLineProtocol(_point: Point): string {
  throw new Error('not implemented');
}
