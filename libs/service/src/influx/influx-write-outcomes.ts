import { Injectable } from '@nestjs/common';
import type { WriteOutcome } from '@tideline/influx';

/**
 * Whether InfluxDB takes the service's writes: every `POST /write` of the service's client ends here (see
 * {@link InfluxWriteOutcomes.record}, the client's `onWriteOutcome`). Readiness uses it: a service whose writes InfluxDB refuses (a dropped database, an auth
 * failure, a full series limit) or cannot receive is not doing its job even while `/ping` answers.
 */
@Injectable()
export class InfluxWriteOutcomes {
  private failing: { since: number; count: number; last: string } | undefined;
  private lastSuccessAt: number | undefined;

  succeeded(nowMs: number): void {
    this.failing = undefined;
    this.lastSuccessAt = nowMs;
  }

  failed(nowMs: number, why: string): void {
    this.failing = { since: this.failing?.since ?? nowMs, count: (this.failing?.count ?? 0) + 1, last: why };
  }

  /** Throws (for the `influx-writes` check) while the latest write failed; passes before the first write. */
  /** One write's outcome, as the InfluxDB client reports it. */
  record(outcome: WriteOutcome, nowMs = Date.now()): void {
    if (outcome.ok) this.succeeded(nowMs);
    else this.failed(nowMs, outcome.why);
  }

  check(): void {
    const failing = this.failing;
    if (failing === undefined) return;
    const since = new Date(failing.since).toISOString();
    const ok =
      this.lastSuccessAt === undefined
        ? 'none succeeded yet'
        : `last success ${new Date(this.lastSuccessAt).toISOString()}`;
    throw new Error(`${failing.count} writes failed in a row since ${since} (${ok}); the last: ${failing.last}`);
  }
}
