import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type ExponentialHistogram,
} from '@opentelemetry/sdk-metrics';
import { explicitHistogramQuantile, exponentialHistogramQuantile } from './histogram-quantiles';

/** Exact nearest-rank quantile: the oracle the estimates are checked against. */
function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

/** Records `values` into OpenTelemetry's own exponential histogram aggregation and returns the point. */
async function exponentialOf(values: readonly number[], maxSize = 160): Promise<ExponentialHistogram> {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    readers: [reader],
    views: [
      {
        instrumentName: 'h',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize, recordMinMax: true } },
      },
    ],
  });
  const histogram = provider.getMeter('test').createHistogram('h');
  for (const value of values) histogram.record(value);
  await provider.forceFlush();
  const metric = exporter.getMetrics()[0]?.scopeMetrics[0]?.metrics[0];
  await provider.shutdown();
  assert.equal(metric?.dataPointType, DataPointType.EXPONENTIAL_HISTOGRAM);
  return metric.dataPoints[0]!.value;
}

describe('explicitHistogramQuantile', () => {
  const histogram = {
    buckets: { boundaries: [10, 20, 50], counts: [2, 4, 3, 1] },
    count: 10,
    sum: 250,
    min: 4,
    max: 80,
  };

  it('interpolates linearly inside the bucket holding rank q·count (Prometheus histogram_quantile)', () => {
    // rank 5 of 10: 2 below 10, then 3 of the 4 in (10, 20] -> 10 + 10·3/4
    assert.equal(explicitHistogramQuantile(histogram, 0.5), 17.5);
    // rank 9: 6 below 20, then 3 of 3 in (20, 50] -> 50
    assert.equal(explicitHistogramQuantile(histogram, 0.9), 50);
  });

  it('closes the open first and last buckets with min and max', () => {
    assert.equal(explicitHistogramQuantile(histogram, 0.1), 7); // 4 + (10-4)·1/2
    assert.ok(Math.abs(explicitHistogramQuantile(histogram, 0.99)! - 77) < 1e-9); // 50 + 30·0.9
    assert.equal(explicitHistogramQuantile(histogram, 1), 80);
  });

  it('is undefined for an empty histogram', () => {
    assert.equal(explicitHistogramQuantile({ buckets: { boundaries: [1], counts: [0, 0] }, count: 0 }, 0.5), undefined);
  });
});

describe('exponentialHistogramQuantile', () => {
  it('returns the exact value for a single recording (clamped to min/max)', async () => {
    const point = await exponentialOf([42]);
    assert.equal(exponentialHistogramQuantile(point, 0.5), 42);
    assert.equal(exponentialHistogramQuantile(point, 0.99), 42);
  });

  it('orders negative buckets (most negative first), then zeros, then positive buckets', () => {
    // scale 0: bucket i holds magnitudes (2^i, 2^(i+1)]; represented by 2LU/(L+U)
    const point: ExponentialHistogram = {
      count: 10,
      scale: 0,
      zeroCount: 3,
      negative: { offset: 2, bucketCounts: [2] }, // two values in [-8, -4)
      positive: { offset: 1, bucketCounts: [0, 5] }, // five values in (4, 8]
      min: -8,
      max: 8,
    };
    const inBucket = (2 * 4 * 8) / (4 + 8);
    assert.equal(exponentialHistogramQuantile(point, 0.1), -inBucket);
    assert.equal(exponentialHistogramQuantile(point, 0.3), 0);
    assert.equal(exponentialHistogramQuantile(point, 0.9), inBucket);
  });

  it('is within the bucket relative error of the exact nearest-rank quantile (latencies over 4 decades)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: 0.5, max: 5000, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.constantFrom(0.5, 0.95, 0.99),
        async (values, q) => {
          const point = await exponentialOf(values);
          const base = Math.pow(2, Math.pow(2, -point.scale));
          const bound = (base - 1) / (base + 1) + 1e-9;
          const exact = nearestRank(values, q);
          const estimate = exponentialHistogramQuantile(point, q)!;
          assert.ok(
            Math.abs(estimate - exact) / exact <= bound,
            `q=${q} exact=${exact} estimate=${estimate} scale=${point.scale} bound=${bound}`,
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
