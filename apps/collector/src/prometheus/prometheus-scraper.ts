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
  const { families } = parseExposition(await httpGetText(state.url, state.timeoutMs));
  const { events, snapshot } = expositionToEvents(state.previous, families, { ts, monotonicMs }, state.context);
  state.previous = snapshot;
  return events;
}

/**
 * GET a URL's body as text with node:http(s): not `fetch`, whose HTTP parser is WebAssembly, which the collector's
 * Node flags (--lite-mode, for its memory) turn off; node:https (and with it OpenSSL) is loaded only for https targets.
 */
async function httpGetText(url: string, timeoutMs: number): Promise<string> {
  const client = url.startsWith('https:') ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers: { accept: ACCEPT }, timeout: timeoutMs }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${url} answered HTTP ${response.statusCode}`));
        return;
      }
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${url} did not answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

/** The URL's host name, or `localHost` for a loopback address (the exporter runs on this very host). */
export function targetHost(url: string, localHost: string): string {
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const loopback = hostname === 'localhost' || hostname === '::1' || /^127\./.test(hostname);
  return loopback ? localHost : hostname;
}
