import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricEvent } from '@tideline/contracts';
import { parseExposition } from './exposition.parser';
import { expositionToEvents, quantileSuffix, type ScrapeContext } from './exposition-to-events';

const context: ScrapeContext = {
  host: 'web-1',
  tags: { job: 'node', env: 'prod' },
  acceptsFamily: (name) => name !== 'ignored_metric',
  keepsLabel: (label) => label !== 'cpu',
};

/** Two scrapes 10 s apart (monotonic clock), the second stamped ts 20000. */
function twoScrapes(first: string, second: string): MetricEvent[] {
  const a = expositionToEvents(undefined, parseExposition(first).families, { ts: 10_000, monotonicMs: 0 }, context);
  return expositionToEvents(a.snapshot, parseExposition(second).families, { ts: 20_000, monotonicMs: 10_000 }, context)
    .events;
}

const find = (events: MetricEvent[], metric: string, tags: Record<string, string> = {}) =>
  events.find((event) => event.metric === metric && Object.entries(tags).every(([k, v]) => event.tags[k] === v));

describe('expositionToEvents', () => {
  it('publishes a gauge as is, with its labels as tags over the target tags, on the first scrape', () => {
    const { events } = expositionToEvents(
      undefined,
      parseExposition('# TYPE node_load1 gauge\nnode_load1{env="staging"} 0.5\n').families,
      { ts: 1000, monotonicMs: 0 },
      context,
    );
    assert.deepEqual(events, [
      {
        schema: 'tideline.metric/1',
        metric: 'node_load1',
        host: 'web-1',
        value: 0.5,
        ts: 1000,
        tags: { job: 'node', env: 'staging' },
        source: 'collector',
      },
    ]);
  });

  it('turns a counter into <name>.rate per second from the second scrape, summing over a dropped label', () => {
    const events = twoScrapes(
      '# TYPE c_total counter\nc_total{cpu="0",mode="idle"} 100\nc_total{cpu="1",mode="idle"} 50\n',
      '# TYPE c_total counter\nc_total{cpu="0",mode="idle"} 130\nc_total{cpu="1",mode="idle"} 70\n',
    );
    // (130 + 70 − 100 − 50) / 10 s
    assert.equal(find(events, 'c_total.rate', { mode: 'idle' })?.value, 5);
    assert.equal(find(events, 'c_total.rate')?.unit, '1/s');
    assert.equal(find(events, 'c_total.rate')?.tags['cpu'], undefined);
    assert.equal(events.filter((event) => event.metric === 'c_total.rate').length, 1);
  });

  it('skips one interval of a counter that went backwards (the target restarted)', () => {
    const events = twoScrapes('# TYPE c counter\nc 100\n', '# TYPE c counter\nc 3\n');
    assert.equal(find(events, 'c.rate'), undefined);
  });

  it("summarises a histogram's interval: rate, mean, and quantiles interpolated in the interval's buckets", () => {
    const first = [
      '# TYPE h histogram',
      'h_bucket{le="0.1"} 10',
      'h_bucket{le="0.5"} 10',
      'h_bucket{le="1"} 10',
      'h_bucket{le="+Inf"} 10',
      'h_sum 0.5',
      'h_count 10',
    ].join('\n');
    // 20 new observations: 10 in (0, 0.1], 10 in (0.5, 1]; sum grew by 9
    const second = [
      '# TYPE h histogram',
      'h_bucket{le="0.1"} 20',
      'h_bucket{le="0.5"} 20',
      'h_bucket{le="1"} 30',
      'h_bucket{le="+Inf"} 30',
      'h_sum 9.5',
      'h_count 30',
    ].join('\n');
    const events = twoScrapes(first, second);
    assert.equal(find(events, 'h.rate')?.value, 2);
    assert.equal(find(events, 'h.mean')?.value, 9 / 20);
    // rank 0.95·20 = 19 → 9th of the 10 in (0.5, 1]: 0.5 + 0.5·9/10 (histogram_quantile's linear interpolation)
    assert.ok(Math.abs(find(events, 'h.p95')!.value - 0.95) < 1e-9);
    assert.ok(Math.abs(find(events, 'h.p99')!.value - 0.99) < 1e-9);
    assert.ok(find(events, 'h.p50')!.value <= 0.1);
  });

  it('publishes no quantiles for a histogram interval without observations', () => {
    const text = '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 5\nh_sum 2\nh_count 5\n';
    const events = twoScrapes(text, text);
    assert.equal(find(events, 'h.rate')?.value, 0);
    assert.equal(find(events, 'h.p50'), undefined);
    assert.equal(find(events, 'h.mean'), undefined);
  });

  it("publishes a summary's quantiles as is and leaves out a NaN quantile", () => {
    const events = twoScrapes(
      '# TYPE s summary\ns{quantile="0.5"} 0.2\ns{quantile="0.99"} NaN\ns_sum 1\ns_count 4\n',
      '# TYPE s summary\ns{quantile="0.5"} 0.3\ns{quantile="0.999"} 0.9\ns{quantile="0.99"} NaN\ns_sum 3\ns_count 8\n',
    );
    assert.equal(find(events, 's.p50')?.value, 0.3);
    assert.equal(find(events, 's.p99.9')?.value, 0.9);
    assert.equal(find(events, 's.p99'), undefined);
    assert.equal(find(events, 's.rate')?.value, 0.4);
    assert.equal(find(events, 's.mean')?.value, 0.5);
  });

  it('leaves out families the filter denies', () => {
    const events = twoScrapes(
      '# TYPE ignored_metric gauge\nignored_metric 1\n',
      '# TYPE ignored_metric gauge\nignored_metric 1\n',
    );
    assert.deepEqual(events, []);
  });
});

describe('quantileSuffix', () => {
  it('names quantiles as percentiles', () => {
    assert.deepEqual([0.5, 0.9, 0.99, 0.999, 0.25].map(quantileSuffix), ['p50', 'p90', 'p99', 'p99.9', 'p25']);
  });
});
