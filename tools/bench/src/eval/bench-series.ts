/**
 * Synthetic but realistic metric series for the throughput benchmark, generated up front into typed arrays so that
 * generation is never timed. Each series has its own level (spread over five decades), a daily cycle with random
 * amplitude and phase, a weaker weekly cycle, multiplicative noise, rare spikes and dips, and now and then a level
 * shift; some series are flat or pure noise. Deterministic for a given seed.
 */
import { mulberry32 } from '@tideline/stats';

export interface BenchSeries {
  readonly seriesCount: number;
  readonly pointsPerSeries: number;
  /** One timestamp per step, shared by all series (they are scraped together). */
  readonly timestampsMs: Float64Array;
  /** Time-major: value of series s at step t is `values[t * seriesCount + s]` (the order in which they arrive). */
  readonly values: Float64Array;
}

export interface BenchSeriesOptions {
  readonly seriesCount?: number;
  readonly pointsPerSeries?: number;
  readonly stepMs?: number;
  readonly seed?: number;
}

export function generateBenchSeries(options: BenchSeriesOptions = {}): BenchSeries {
  const seriesCount = options.seriesCount ?? 10_000;
  const points = options.pointsPerSeries ?? 576;
  const step = options.stepMs ?? 300_000;
  const rand = mulberry32(options.seed ?? 20_240_601);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const start = Date.UTC(2024, 0, 1);
  const timestampsMs = new Float64Array(points);
  for (let t = 0; t < points; t++) timestampsMs[t] = start + t * step;
  const values = new Float64Array(seriesCount * points);
  const day = 86_400_000;
  for (let s = 0; s < seriesCount; s++) {
    const kind = rand();
    const level0 = 10 ** (rand() * 5 - 1);
    const daily = kind < 0.1 ? 0 : rand() * 0.5;
    const weekly = kind < 0.1 ? 0 : rand() * 0.1;
    const phase = rand() * 2 * Math.PI;
    const noise = kind < 0.05 ? 0 : 0.01 + rand() * 0.1;
    let level = level0;
    for (let t = 0; t < points; t++) {
      const ts = timestampsMs[t]!;
      if (rand() < 0.0005) level *= 1 + (rand() - 0.5); // level shift
      const season =
        1 + daily * Math.sin((2 * Math.PI * ts) / day + phase) + weekly * Math.sin((2 * Math.PI * ts) / (7 * day));
      let v = level * season * (1 + noise * gauss());
      const r = rand();
      if (r < 0.001)
        v *= 3 + 5 * rand(); // spike
      else if (r < 0.0015) v *= 0.1 * rand(); // dip
      values[t * seriesCount + s] = v;
    }
  }
  return { seriesCount, pointsPerSeries: points, timestampsMs, values };
}
