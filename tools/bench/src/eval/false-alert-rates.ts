/**
 * False alerts per 1,000 points in a series' first points (its warm-up) and after, for `tideline eval --false-alerts`:
 * on Gaussian white noise at each named sensitivity, on a NAB-layout dataset, and on a synthetic fleet (several
 * metrics, each on many hosts, one labelled incident per series) started cold or from the fleet's prior for the
 * metric. Pure apart from running detectors; deterministic for a seed.
 *
 * Definitions: an alert is a maximal run of consecutive points scoring at or above the fire level; it is false when
 * none of its points lies in a labelled window; it belongs to the first points when it starts there. Rates are per
 * 1,000 points of that part of the series (every point counts: there is no probationary period here).
 */
import {
  FleetPrior,
  mulberry32,
  resolveSensitivity,
  TidelineDetector,
  type DetectorPrior,
  type PointScorer,
} from '@tideline/stats';
import type { WindowSpan } from './nab-scorer';

/** Alerts and points in one part of the series. */
export interface PartRate {
  readonly alerts: number;
  readonly points: number;
  readonly per_1000_points: number;
}

export interface FalseAlertRate {
  readonly source: string;
  readonly level: 'low' | 'medium' | 'high';
  readonly series: number;
  readonly first: PartRate;
  readonly after: PartRate;
  readonly all: PartRate;
  /** Labelled incidents starting in the first points, and how many of them an alert touched (synthetic only). */
  readonly early_incidents?: { readonly total: number; readonly detected: number };
}

export interface FalseAlertReport {
  /** Points that count as a series' first. */
  readonly first_points: number;
  readonly rates: readonly FalseAlertRate[];
}

/** A series scored by a detector, with its labelled windows. */
export interface LabelledScores {
  readonly scores: ArrayLike<number>;
  readonly windows: readonly WindowSpan[];
}

const FIRST_POINTS = 200;
const STEP_MS = 300_000;
const START_MS = Date.UTC(2024, 0, 1);

function part(alerts: number, points: number): PartRate {
  return { alerts, points, per_1000_points: points > 0 ? (1000 * alerts) / points : 0 };
}

/** Counts false alerts in the first `firstPoints` points of each series and after, at one fire level. */
export function countFalseAlerts(
  series: readonly LabelledScores[],
  level: number,
  firstPoints = FIRST_POINTS,
): { first: PartRate; after: PartRate; all: PartRate; earlyDetected: number; earlyTotal: number } {
  let firstFalse = 0;
  let afterFalse = 0;
  let firstPts = 0;
  let afterPts = 0;
  let earlyDetected = 0;
  let earlyTotal = 0;
  for (const { scores, windows } of series) {
    const n = scores.length;
    firstPts += Math.min(n, firstPoints);
    afterPts += Math.max(0, n - firstPoints);
    const touched = new Uint8Array(windows.length);
    let start = -1;
    let inWindow = false;
    const close = () => {
      if (start >= 0 && !inWindow) {
        if (start < firstPoints) firstFalse++;
        else afterFalse++;
      }
      start = -1;
      inWindow = false;
    };
    for (let i = 0; i < n; i++) {
      if (scores[i]! >= level) {
        if (start < 0) start = i;
        windows.forEach((w, k) => {
          if (i >= w.start && i <= w.end) {
            inWindow = true;
            touched[k] = 1;
          }
        });
      } else close();
    }
    close();
    windows.forEach((w, k) => {
      if (w.start >= firstPoints) return;
      earlyTotal++;
      earlyDetected += touched[k]!;
    });
  }
  return {
    first: part(firstFalse, firstPts),
    after: part(afterFalse, afterPts),
    all: part(firstFalse + afterFalse, firstPts + afterPts),
    earlyDetected,
    earlyTotal,
  };
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function score(detector: PointScorer, values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = detector.scoreAndLearn(START_MS + i * STEP_MS, values[i]!);
  return out;
}

/** Gaussian white noise: `series` series of `points` points (21 days at 5 minutes by default), no incidents. */
export function whiteNoiseRates(series = 16, points = 6048, seed = 1): FalseAlertRate[] {
  const scored: LabelledScores[] = [];
  for (let s = 0; s < series; s++) {
    const rand = mulberry32(seed * 1000 + s);
    const values = Float64Array.from({ length: points }, () => 50 + 5 * gaussian(rand));
    scored.push({ scores: score(new TidelineDetector(), values), windows: [] });
  }
  return (['low', 'medium', 'high'] as const).map((level) => {
    const c = countFalseAlerts(scored, resolveSensitivity(level).fireLevel);
    return { source: `white noise (${series} × ${points})`, level, series, ...pick(c) };
  });
}

function pick(c: ReturnType<typeof countFalseAlerts>) {
  return { first: c.first, after: c.after, all: c.all };
}

/** A NAB-layout dataset's files, already scored by the default detector, at medium. */
export function datasetRate(label: string, files: readonly LabelledScores[]): FalseAlertRate {
  const c = countFalseAlerts(files, resolveSensitivity('medium').fireLevel);
  return { source: label, level: 'medium', series: files.length, ...pick(c) };
}

type Shape = (i: number, rand: () => number, host: number) => number;

/**
 * Metrics of a fleet, each with its own shape; a host changes the level and noise of a shape, not its kind. Values
 * are what collectors report: percentages bounded to 0–100 and rounded, request rates with a daily cycle, counts.
 */
const FLEET_METRICS: readonly { name: string; shape: Shape }[] = [
  { name: 'cpu.percent', shape: (i, r, h) => clamp(20 + 3 * h + 4 * gaussian(r), 0, 100) },
  {
    name: 'http.requests_per_second',
    shape: (i, r, h) => (100 + 10 * h) * (1 + 0.4 * Math.sin((2 * Math.PI * i) / 288)) * (1 + 0.05 * gaussian(r)),
  },
  { name: 'mem.used_percent', shape: (i, r, h) => Math.round(clamp(55 + h + 0.8 * gaussian(r), 0, 100)) },
  { name: 'net.errors', shape: (_i, r) => (r() < 0.1 ? 1 : 0) + (r() < 0.02 ? 1 : 0) },
  { name: 'disk.io_wait_ms', shape: (_i, r, h) => (2 + 0.2 * h) * Math.exp(0.3 * gaussian(r)) },
];

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * One labelled incident per series: a level shift of 8 noise spreads held for 12 points, starting at a random point
 * in [30, 600) (so about a third start in the first 200 points); its window is the 12 points and the 12 after.
 */
function fleetSeries(shape: Shape, host: number, points: number, seed: number) {
  const rand = mulberry32(seed);
  const clean = Float64Array.from({ length: points }, (_, i) => shape(i, rand, host));
  let mean = 0;
  for (const v of clean) mean += v / points;
  let mad = 0;
  for (const v of clean) mad += Math.abs(v - mean) / points;
  const at = 30 + Math.floor(rand() * 570);
  const size = 8 * Math.max(mad * 1.2533, 1e-9) * (rand() < 0.5 ? -1 : 1);
  const values = Float64Array.from(clean, (v, i) => (i >= at && i < at + 12 ? v + Math.max(size, -v) : v));
  return { values, windows: [{ start: at, end: Math.min(points - 1, at + 23) }] };
}

/**
 * The synthetic fleet: every metric on `hosts` hosts. The first half of the hosts start cold and teach the metric's
 * fleet prior; the rest are measured twice, started cold and started from that prior.
 */
export function fleetRates(hosts = 80, points = 2000, seed = 1): FalseAlertRate[] {
  const cold: LabelledScores[] = [];
  const primed: LabelledScores[] = [];
  FLEET_METRICS.forEach(({ shape }, m) => {
    const fleet = new FleetPrior();
    for (let h = 0; h < hosts; h++) {
      const { values, windows } = fleetSeries(shape, h, points, seed * 100_003 + m * 1009 + h);
      const d = new TidelineDetector();
      const scores = score(d, values);
      if (h < hosts / 2) {
        const sample: DetectorPrior | undefined = d.priorSample();
        if (sample !== undefined) fleet.update(sample);
        continue;
      }
      cold.push({ scores, windows });
      const p = new TidelineDetector();
      p.applyPrior(fleet.prior()!);
      primed.push({ scores: score(p, values), windows });
    }
  });
  const medium = resolveSensitivity('medium').fireLevel;
  const row = (source: string, scored: LabelledScores[]): FalseAlertRate => {
    const c = countFalseAlerts(scored, medium);
    return {
      source,
      level: 'medium',
      series: scored.length,
      ...pick(c),
      early_incidents: { total: c.earlyTotal, detected: c.earlyDetected },
    };
  };
  const label = `${FLEET_METRICS.length} metrics × ${hosts / 2} hosts × ${points}`;
  return [row(`synthetic fleet, cold start (${label})`, cold), row(`synthetic fleet, fleet prior (${label})`, primed)];
}

export function falseAlertReport(nab: FalseAlertRate | undefined): FalseAlertReport {
  return {
    first_points: FIRST_POINTS,
    rates: [...whiteNoiseRates(), ...(nab === undefined ? [] : [nab]), ...fleetRates()],
  };
}
