import { MEASUREMENTS } from '@tideline/contracts';
import type { InfluxClient } from '@tideline/influx';

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
  readonly anomalyPoints: number;
  readonly alertPoints: number;
  readonly seconds: number;
}

/** The metric names: three with limits (disk, memory) so projections run, the rest plain. */
export function benchMetricNames(count: number): string[] {
  const fixed = ['disk.used_pct', 'mem.used_pct', 'mem.rss_mb'];
  const names = fixed.slice(0, count);
  for (let i = names.length; i < count; i++) names.push(`app.metric_${String(i).padStart(2, '0')}`);
  return names;
}

export function specKey(spec: BenchDataSpec): string {
  return `v1 hosts=${spec.hosts} metrics=${spec.metrics} until=${spec.until} res=${spec.resolutionMs} base=${spec.baselineResolutionMs}`;
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

/**
 * Writes two weeks (the reported week and the one before, which the report compares against) of synthetic data
 * for `hosts × metrics` series in the MEASUREMENTS layout, as line protocol in batches of 20,000 lines with two
 * requests in flight. Every series has a daily cycle and noise; 5 % of hosts have a filling disk; 1 % of series
 * have a 3-hour incident (anomaly scores + a firing/resolved alert); 0.5 % have a noisy one-point alert.
 */
export async function writeBenchData(
  influx: InfluxClient,
  database: string,
  spec: BenchDataSpec,
  progress: (line: string) => void,
): Promise<BenchDataStats> {
  const started = performance.now();
  const from = spec.until - 14 * DAY;
  const since = spec.until - 7 * DAY;
  const names = benchMetricNames(spec.metrics);
  const batch: string[] = [];
  const inFlight: Promise<void>[] = [];
  let points = 0;
  let baselinePoints = 0;
  let anomalyPoints = 0;
  let alertPoints = 0;
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const lines = batch.splice(0, batch.length);
    inFlight.push(influx.writeLines(lines, { database }));
    if (inFlight.length >= 2) await inFlight.shift();
  };
  const push = async (line: string): Promise<void> => {
    batch.push(line);
    if (batch.length >= 20_000) await flush();
  };
  const totalSeries = spec.hosts * spec.metrics;
  let done = 0;
  for (let h = 0; h < spec.hosts; h++) {
    const host = `host-${String(h).padStart(4, '0')}`;
    for (let m = 0; m < spec.metrics; m++) {
      const metric = names[m]!;
      // Line protocol: `=`, `,` and spaces in tag values are escaped.
      const tags = `host=${host},metric=${metric},series=${metric}|host\\=${host}`;
      const base = 20 + ((h * 7 + m * 13) % 50);
      const amplitude = base * 0.2;
      const growing = metric === 'disk.used_pct' && h % 20 === 0;
      const incident = (h * spec.metrics + m) % 100 === 7 ? since + ((h + m) % 6) * DAY + 10 * HOUR : undefined;
      for (let t = from; t < spec.until; t += spec.resolutionMs) {
        const cycle = amplitude * Math.sin(((t % DAY) / DAY) * 2 * Math.PI);
        let v = growing ? 50 + ((t - from) / DAY) * 2 + random() : base + cycle + random() * base * 0.05;
        if (incident !== undefined && t >= incident && t < incident + 3 * HOUR) {
          v = base * 4;
          await push(`${MEASUREMENTS.anomalyScores},${tags},detector=tideline score=0.99999,value=${v} ${t}`);
          anomalyPoints++;
        }
        await push(`${MEASUREMENTS.points},${tags} value=${v.toFixed(3)} ${t}`);
        points++;
        if ((t - from) % spec.baselineResolutionMs === 0) {
          const expected = growing ? 50 + ((t - from) / DAY) * 2 : base + cycle;
          await push(
            `${MEASUREMENTS.baseline},${tags} expected=${expected.toFixed(3)},lower=${(expected * 0.85).toFixed(3)},upper=${(expected * 1.15).toFixed(3)} ${t}`,
          );
          baselinePoints++;
        }
      }
      if (incident !== undefined) {
        const id = `${metric}|host=${host}@${incident}`;
        await push(
          `${MEASUREMENTS.alerts},${tags},severity=critical,state=firing id="${id}",value=${base * 4},expected=${base},score=0.99999 ${incident}`,
        );
        await push(
          `${MEASUREMENTS.alerts},${tags},severity=critical,state=resolved id="${id}",value=${base},expected=${base},score=0.1 ${incident + 3 * HOUR}`,
        );
        alertPoints += 2;
      }
      if ((h * spec.metrics + m) % 200 === 3) {
        const t = since + ((h + m) % 7) * DAY + 3 * HOUR;
        const id = `${metric}|host=${host}@${t}`;
        await push(
          `${MEASUREMENTS.alerts},${tags},severity=warning,state=firing id="${id}",value=${base * 2},expected=${base},score=0.995 ${t}`,
        );
        await push(
          `${MEASUREMENTS.alerts},${tags},severity=warning,state=resolved id="${id}",value=${base},expected=${base},score=0.1 ${t + 600_000}`,
        );
        alertPoints += 2;
      }
      done++;
    }
    if ((h + 1) % 100 === 0) {
      const s = (performance.now() - started) / 1000;
      progress(
        `  wrote ${done.toLocaleString('en')} of ${totalSeries.toLocaleString('en')} series (${Math.round(points / s).toLocaleString('en')} points/s)`,
      );
    }
  }
  await flush();
  await Promise.all(inFlight);
  await influx.writeLines([`bench_meta spec="${specKey(spec)}" ${spec.until}`], { database });
  return { points, baselinePoints, anomalyPoints, alertPoints, seconds: (performance.now() - started) / 1000 };
}
