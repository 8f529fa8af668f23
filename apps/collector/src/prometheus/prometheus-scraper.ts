import type { MetricEvent } from '@tideline/contracts';
import type { ScrapeTarget } from '@tideline/config';
import { IntervalCollector, type IntervalCollectorOptions } from '../collection/interval-collector';
import { compileMetricFilter, globToRegExp } from '../collection/metric-filter';
import { parseExposition } from './exposition.parser';
import { expositionToEvents, type ScrapeContext, type ScrapeSnapshot } from './exposition-to-events';

export interface PrometheusScraperOptions extends Omit<IntervalCollectorOptions, 'collect' | 'intervalMs'> {
  readonly target: ScrapeTarget;
  /** `collector.intervalMs`: the target's interval unless it has its own. */
  readonly defaultIntervalMs: number;
  /** `collector.host` (or the OS host name): the host of a target on a loopback address. */
  readonly localHost: string;
  /** `collector.tags`: under the target's own tags. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What a scraper sends with its `Accept` header: the text format every exporter serves. */
const ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';

/**
 * Scrapes one Prometheus exposition endpoint every interval ({@link IntervalCollector}) and publishes its samples as
 * metric events ({@link expositionToEvents}: gauges as is, counters as rates, histograms and summaries as rate, mean
 * and quantiles). A scrape that fails (refused, timed out, not 200) is a failed tick: nothing is published for it and
 * the next rate spans the gap.
 */
export class PrometheusScraper extends IntervalCollector {
  readonly url: string;
  private readonly state: ScrapeState;

  constructor(options: PrometheusScraperOptions) {
    const intervalMs = options.target.intervalMs ?? options.defaultIntervalMs;
    const dropped = options.target.dropLabels.map(globToRegExp);
    const state: ScrapeState = {
      url: options.target.url,
      timeoutMs: Math.min(options.target.timeoutMs, intervalMs),
      context: {
        host: options.target.host ?? targetHost(options.target.url, options.localHost),
        tags: { ...options.tags, ...options.target.tags },
        acceptsFamily: compileMetricFilter(options.target.metrics),
        keepsLabel: (label) => !dropped.some((pattern) => pattern.test(label)),
      },
      previous: undefined,
    };
    super({ ...options, intervalMs, collect: () => scrapeOnce(state) });
    this.url = state.url;
    this.state = state;
  }

  /** One scrape: fetch, parse, convert (rates against the previous scrape). */
  scrape(): Promise<MetricEvent[]> {
    return scrapeOnce(this.state);
  }
}

interface ScrapeState {
  readonly url: string;
  readonly timeoutMs: number;
  readonly context: ScrapeContext;
  previous: ScrapeSnapshot | undefined;
}

async function scrapeOnce(state: ScrapeState): Promise<MetricEvent[]> {
  const ts = Date.now();
  const monotonicMs = performance.now();
  const response = await fetch(state.url, {
    headers: { accept: ACCEPT },
    signal: AbortSignal.timeout(state.timeoutMs),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`${state.url} answered HTTP ${response.status}`);
  }
  const { families } = parseExposition(await response.text());
  const { events, snapshot } = expositionToEvents(state.previous, families, { ts, monotonicMs }, state.context);
  state.previous = snapshot;
  return events;
}

/** The URL's host name, or `localHost` for a loopback address (the exporter runs on this very host). */
export function targetHost(url: string, localHost: string): string {
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const loopback = hostname === 'localhost' || hostname === '::1' || /^127\./.test(hostname);
  return loopback ? localHost : hostname;
}
