import { createHash } from 'node:crypto';
import { HOST_METRIC_NAMES, MEASUREMENTS, escapeTagValue, seriesKey } from '@tideline/contracts';
import { DEFAULT_REPORTER_LIMITS, compileGlob } from '@tideline/config';
import type { InfluxClient } from '@tideline/influx';
import { TrendBucket } from '@tideline/stats';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface BenchDataSpec {
  readonly hosts: number;
  readonly metrics: number;
  /** End of the reported week. */
  readonly until: number;
  /** Spacing of the synthetic points. */
  readonly resolutionMs: number;
  /** Spacing of the synthetic baseline points. */
  readonly baselineResolutionMs: number;
}

export interface BenchDataStats {
  readonly points: number;
  readonly baselinePoints: number;
  /** `anomaly_scores` rows: one per point, as the baseline service writes them. */
  readonly anomalyPoints: number;
  readonly alertPoints: number;
  readonly seconds: number;
}

/** One synthetic metric: its name and the event's own tags (the collector tags a disk metric with its mount). */
export interface BenchMetric {
  readonly metric: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The metrics of one host: the collector's own names first (`HOST_METRIC_NAMES`, so `disk.used_percent` and
 * `mem.used_percent` meet the reporter's default limits and get projections), then `app.metric_NN`.
 */
export function benchMetrics(count: number): BenchMetric[] {
  const names = Object.values(HOST_METRIC_NAMES);
  const out: BenchMetric[] = [];
  for (let i = 0; i < count; i++) {
    const metric = names[i] ?? `app.metric_${String(i).padStart(2, '0')}`;
    out.push({ metric, tags: metric.startsWith('disk.') && !metric.includes('per_sec') ? { mount: '/' } : {} });
  }
  return out;
}

/**
 * v3: written since the retention policy has 7-day shard groups (libs/influx `shardDurationFor`), as the services' data
 * is. v4: alerts carry `tail_probability`. v5: the series with a default limit have their `trend_buckets`.
 */
export function specKey(spec: BenchDataSpec): string {
  return `v5 hosts=${spec.hosts} metrics=${spec.metrics} until=${spec.until} res=${spec.resolutionMs} base=${spec.baselineResolutionMs}`;
}

/** True when the database already holds exactly this synthetic data set (written by an earlier run). */
export async function benchDataPresent(influx: InfluxClient, database: string, spec: BenchDataSpec): Promise<boolean> {
  try {
    const rows = await influx.query<{ spec?: string }>('SELECT last("spec") AS "spec" FROM "bench_meta"', { database });
    return rows[0]?.spec === specKey(spec);
  } catch {
    return false;
  }
}

/** The incident id the anomaly service gives (`alertId` in apps/anomaly: SHA-256 of series and start, 32 hex). */
function incidentId(series: string, startedAt: number): string {
  return createHash('sha256').update(`${series}\n${startedAt}`).digest('hex').slice(0, 32);
}

/** A small deterministic generator (LCG), so every run writes the same data. */
export function benchRandom(seed = 12345): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

/** Whether a metric has a default limit: its series keep a trend summary in the baseline service. */
const LIMITED = DEFAULT_REPORTER_LIMITS.map((l) => compileGlob(l.metric));

interface SeriesCounts {
  points: number;
  baselinePoints: number;
  anomalyPoints: number;
  alertPoints: number;
}

/**
 * The line-protocol lines of one synthetic series (host `h`, metric `m`), in exactly the layout the services write
 * (`MEASUREMENT_FIELDS`, `MEASUREMENT_TAGS`): `points` with the event's own tags, `baseline`, one `anomaly_scores`
 * row per point on the detector's scale (ordinary points below 0.3, an incident's at 0.5 or more), and `alerts`
 * transitions (firing, resolved) with the deterministic id, `started_at` as an integer and the band; a series whose
 * metric has a default limit also has its closed half hours in `trend_buckets` (libs/stats `TrendBucket`).
 */
export function benchSeriesLines(
  spec: BenchDataSpec,
  h: number,
  m: number,
  random: () => number,
  emit: (line: string) => void,
  counts: SeriesCounts = { points: 0, baselinePoints: 0, anomalyPoints: 0, alertPoints: 0 },
): SeriesCounts {
  const from = spec.until - 14 * DAY;
  const since = spec.until - 7 * DAY;
  const { metric, tags: own } = benchMetrics(spec.metrics)[m]!;
  const host = `host-${String(h).padStart(4, '0')}`;
  const series = seriesKey({ metric, host, tags: own });
  const seriesTags = `series=${escapeTagValue(series)},host=${escapeTagValue(host)},metric=${escapeTagValue(metric)}`;
  const ownTags = Object.keys(own)
    .sort()
    .map((k) => `,${k}=${escapeTagValue(own[k]!)}`)
    .join('');
  const base = 20 + ((h * 7 + m * 13) % 50);
  const amplitude = base * 0.2;
  const growing = metric === HOST_METRIC_NAMES.diskUsedPercent && h % 20 === 0;
  const incident = (h * spec.metrics + m) % 100 === 7 ? since + ((h + m) % 6) * DAY + 10 * HOUR : undefined;
  const band = (expected: number): { lower: number; upper: number } => ({
    lower: expected - base * 0.15,
    upper: expected + base * 0.15,
  });
  const alert = (
    state: 'firing' | 'resolved',
    severity: 'warning' | 'critical',
    detector: string,
    startedAt: number,
    at: number,
    value: number,
    score: number,
  ): void => {
    const { lower, upper } = band(base);
    emit(
      `${MEASUREMENTS.alerts},${seriesTags},state=${state},severity=${severity},detector=${detector} ` +
        `value=${value},expected=${base},lower=${lower},upper=${upper},score=${score},` +
        `id="${incidentId(series, startedAt)}",started_at=${startedAt}i,tail_probability=${state === 'firing' ? 1e-7 : 0.4} ${at}`,
    );
    counts.alertPoints++;
  };
  const trend = LIMITED.some((test) => test(metric)) ? new TrendBucket() : undefined;
  const closed = { startMs: 0, mean: 0, count: 0 };
  for (let t = from; t < spec.until; t += spec.resolutionMs) {
    const cycle = amplitude * Math.sin(((t % DAY) / DAY) * 2 * Math.PI);
    const expected = growing ? 50 + ((t - from) / DAY) * 2 : base + cycle;
    let v = growing ? expected + random() : expected + random() * base * 0.05;
    let score = random() * 0.25;
    if (incident !== undefined && t >= incident && t < incident + 3 * HOUR) {
      v = base * 4;
      score = 0.6 + random() * 0.3;
    }
    emit(`${MEASUREMENTS.points},${seriesTags}${ownTags} value=${v} ${t}`);
    counts.points++;
    if (trend?.update(t, v, closed))
      emit(`${MEASUREMENTS.trendBuckets},${seriesTags} mean=${closed.mean},count=${closed.count}i ${closed.startMs}`);
    emit(
      `${MEASUREMENTS.anomalyScores},${seriesTags},detector=${score >= 0.5 ? 'level_shift' : 'none'} score=${score},value=${v} ${t}`,
    );
    counts.anomalyPoints++;
    if ((t - from) % spec.baselineResolutionMs === 0) {
      const { lower, upper } = band(expected);
      emit(`${MEASUREMENTS.baseline},${seriesTags} expected=${expected},lower=${lower},upper=${upper} ${t}`);
      counts.baselinePoints++;
    }
  }
  if (incident !== undefined) {
    alert('firing', 'critical', 'level_shift', incident, incident, base * 4, 0.8);
    alert('resolved', 'critical', 'level_shift', incident, incident + 3 * HOUR, base, 0.1);
  }
  if ((h * spec.metrics + m) % 200 === 3) {
    const t = since + ((h + m) % 7) * DAY + 3 * HOUR;
    alert('firing', 'warning', 'spike', t, t, base * 2, 0.55);
    alert('resolved', 'warning', 'spike', t, t + 600_000, base, 0.1);
  }
  return counts;
}

/**
 * Writes two weeks (the reported week and the one before, which the report compares against) of synthetic data
 * for `hosts × metrics` series in the layout the services write (see {@link benchSeriesLines}), as line protocol
 * in batches of 20,000 lines with two requests in flight. Every series has a daily cycle and noise; 5 % of hosts
 * have a filling disk; 1 % of series have a 3-hour incident (scores ≥ 0.5 and a firing/resolved alert); 0.5 % have
 * a short warning alert.
 */
export async function writeBenchData(
  influx: InfluxClient,
  database: string,
  spec: BenchDataSpec,
  progress: (line: string) => void,
): Promise<BenchDataStats> {
  const started = performance.now();
  const batch: string[] = [];
  const inFlight: Promise<void>[] = [];
  const counts: SeriesCounts = { points: 0, baselinePoints: 0, anomalyPoints: 0, alertPoints: 0 };
  const random = benchRandom();
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const lines = batch.splice(0, batch.length);
    inFlight.push(influx.writeLines(lines, { database }));
    if (inFlight.length >= 2) await inFlight.shift();
  };
  const emit = (line: string): void => {
    batch.push(line);
  };
  const totalSeries = spec.hosts * spec.metrics;
  let done = 0;
  for (let h = 0; h < spec.hosts; h++) {
    for (let m = 0; m < spec.metrics; m++) {
      benchSeriesLines(spec, h, m, random, emit, counts);
      if (batch.length >= 20_000) await flush();
      done++;
    }
    if ((h + 1) % 100 === 0) {
      const s = (performance.now() - started) / 1000;
      progress(
        `  wrote ${done.toLocaleString('en')} of ${totalSeries.toLocaleString('en')} series (${Math.round(counts.points / s).toLocaleString('en')} points/s)`,
      );
    }
  }
  await flush();
  await Promise.all(inFlight);
  await influx.writeLines([`bench_meta spec="${specKey(spec)}" ${spec.until}`], { database });
  return { ...counts, seconds: (performance.now() - started) / 1000 };
}
