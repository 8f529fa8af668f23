import { Injectable } from '@nestjs/common';

/**
 * Whether InfluxDB takes the service's writes: every `POST /write` of the service's client ends here (see
 * {@link observeWrites}). Readiness uses it: a service whose writes InfluxDB refuses (a dropped database, an auth
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

/**
 * A `fetch` that reports the outcome of every `/write` request to `outcomes` (a 2xx is a success; another status or
 * a network error a failure, with InfluxDB's message) and passes everything through unchanged. A request aborted by
 * its caller (shutdown) is not an outcome.
 */
export function observeWrites(outcomes: InfluxWriteOutcomes, fetchImpl: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!/\/write(?:\?|$)/.test(url)) return fetchImpl(input, init);
    let response: Response;
    try {
      response = await fetchImpl(input, init);
    } catch (error) {
      if (init?.signal?.aborted !== true)
        outcomes.failed(Date.now(), error instanceof Error ? error.message : String(error));
      throw error;
    }
    if (response.ok) {
      outcomes.succeeded(Date.now());
    } else {
      const text = await response
        .clone()
        .text()
        .catch(() => '');
      outcomes.failed(Date.now(), `HTTP ${response.status}${text ? `: ${text.trim().slice(0, 300)}` : ''}`);
    }
    return response;
  };
}
