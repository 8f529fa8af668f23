import { TidelineError } from '@tideline/errors';

/**
 * An InfluxDB request that failed. `influxMessage` is InfluxDB's own error text (e.g.
 * `error parsing query: found FROMM, expected FROM at line 1, char 10`). Retriable when the server was unreachable,
 * timed out, or answered 5xx/429; not retriable for 4xx (bad line protocol, unknown database, bad query).
 */
export class InfluxError extends TidelineError {
  constructor(
    message: string,
    options: {
      readonly retriable: boolean;
      readonly code: string;
      readonly status?: number;
      readonly influxMessage?: string;
      readonly cause?: unknown;
    },
  ) {
    super(message, options);
    this.status = options.status;
    this.influxMessage = options.influxMessage;
  }
  readonly status: number | undefined;
  readonly influxMessage: string | undefined;
}
