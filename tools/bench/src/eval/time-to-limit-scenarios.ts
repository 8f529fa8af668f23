/**
 * Synthetic series for the time-to-limit benchmark (`tideline bench time-to-limit`): filling disks and leaking
 * memory whose noise-free signal is known, so the true time at which it first reaches its limit is known. Every
 * series is drawn from `mulberry32` (libs/stats) with its own seed, so the suite is the same on every run.
 *
 * Families (5-minute points, 3 to 21 days of history, the true crossing 6 hours to 30 days after the last point,
 * log-uniform):
 * - disk-linear: used % rising at a constant rate on weekdays and a slower one (20–100 %) at weekends, plus a daily
 *   cycle (temporary files) and white or AR(1) noise.
 * - disk-sawtooth: fills from a base level and was cleaned up every 1–4 days; the last cleanup was the last one (the
 *   job stopped), so the current fill goes on to the limit; daily cycle and noise as above.
 * - memory-linear: a leak at a constant rate under a daily and a weekly traffic cycle, with garbage-collection
 *   sawtooth (5–30 minute period) and noise.
 * - memory-accelerating: a leak that speeds up, quadratic or exponential in time since the process started (at the
 *   first point), with the same cycles, garbage collection and noise.
 * The limit is 100 (disk.used_percent and mem.used_percent); the signal's history stays below it by design.
 */
import { mulberry32 } from '@tideline/stats';

export type LimitScenarioFamily = 'disk-linear' | 'disk-sawtooth' | 'memory-linear' | 'memory-accelerating';

export const LIMIT_SCENARIO_FAMILIES: readonly LimitScenarioFamily[] = [
  'disk-linear',
  'disk-sawtooth',
  'memory-linear',
  'memory-accelerating',
];

export interface LimitScenario {
  readonly family: LimitScenarioFamily;
  readonly seed: number;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
  readonly limit: number;
  /** Milliseconds from the last point until the noise-free signal first reaches the limit. */
  readonly trueCrossingMs: number;
  /** What was drawn, for the record. */
  readonly description: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const STEP = 5 * MINUTE;
const LIMIT = 100;
/** Monday 2024-01-01 00:00 UTC: the weekday cycle is aligned to real weekdays. */
const EPOCH = Date.UTC(2024, 0, 1);

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-300)) * Math.cos(2 * Math.PI * r());
}

const uniform = (r: () => number, a: number, b: number) => a + (b - a) * r();
const logUniform = (r: () => number, a: number, b: number) => Math.exp(uniform(r, Math.log(a), Math.log(b)));

/** Saturday or Sunday (UTC). */
function weekend(t: number): boolean {
  const day = Math.floor((t - EPOCH) / DAY) % 7;
  return day >= 5;
}

/** Time integral of a rate that is `r` on weekdays and `r·w` at weekends, from `from` to `to`. */
function weekdayFill(from: number, to: number, r: number, w: number): number {
  let total = 0;
  let t = from;
  while (t < to) {
    const next = Math.min(to, EPOCH + (Math.floor((t - EPOCH) / DAY) + 1) * DAY);
    total += (next - t) * r * (weekend(t) ? w : 1);
    t = next;
  }
  return total;
}

interface Draw {
  readonly signal: (t: number) => number;
  readonly description: string;
}

/** One series of a family: the noise-free signal, then noise on the history, then the true crossing. */
function drawScenario(family: LimitScenarioFamily, seed: number): LimitScenario {
  const r = mulberry32(seed);
  for (;;) {
    const historyDays = uniform(r, 3, 21);
    const crossDays = logUniform(r, 0.25, 30);
    const start = EPOCH + Math.floor(uniform(r, 0, 28)) * DAY + Math.floor(uniform(r, 0, 288)) * STEP;
    const n = Math.round((historyDays * DAY) / STEP);
    const now = start + (n - 1) * STEP;
    const cross = now + crossDays * DAY;
    const draw = drawSignal(family, r, start, now, cross);
    const noiseSd = uniform(r, 0.05, 1);
    const phi = r() < 0.5 ? 0 : uniform(r, 0.5, 0.95);
    const gcAmplitude = family.startsWith('memory') ? uniform(r, 0, 3) : 0;
    const gcPeriod = uniform(r, 5, 30) * MINUTE;
    const timestampsMs = new Float64Array(n);
    const values = new Float64Array(n);
    let ar = gaussian(r) * noiseSd;
    let maxSignal = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = start + i * STEP;
      const s = draw.signal(t);
      maxSignal = Math.max(maxSignal, s);
      ar = phi * ar + Math.sqrt(1 - phi * phi) * noiseSd * gaussian(r);
      const gc = gcAmplitude * (((t - start) % gcPeriod) / gcPeriod - 0.5);
      timestampsMs[i] = t;
      values[i] = s + ar + gc;
    }
    if (maxSignal >= LIMIT - 1) continue; // the history must not have reached the limit already
    const crossing = firstCrossing(draw.signal, now);
    if (!Number.isFinite(crossing)) continue;
    return {
      family,
      seed,
      timestampsMs,
      values,
      limit: LIMIT,
      trueCrossingMs: crossing - now,
      description: `${draw.description}; noise σ ${noiseSd.toFixed(2)}${phi > 0 ? ` AR(1) φ ${phi.toFixed(2)}` : ''}${gcAmplitude > 0 ? `; GC ±${(gcAmplitude / 2).toFixed(2)} every ${(gcPeriod / MINUTE).toFixed(0)} min` : ''}; ${historyDays.toFixed(1)} days of history`,
    };
  }
}

/** First time after `now` (1-minute resolution, up to 120 days) at which the signal reaches the limit. */
function firstCrossing(signal: (t: number) => number, now: number): number {
  for (let t = now + MINUTE; t <= now + 120 * DAY; t += MINUTE) if (signal(t) >= LIMIT) return t;
  return Infinity;
}

function drawSignal(family: LimitScenarioFamily, r: () => number, start: number, now: number, cross: number): Draw {
  const daily = uniform(r, 0, 3);
  const dailyPhase = uniform(r, 0, 2 * Math.PI);
  const cycle = (t: number) => daily * Math.sin((2 * Math.PI * (t - EPOCH)) / DAY + dailyPhase);
  switch (family) {
    case 'disk-linear': {
      const base = uniform(r, 20, 60);
      const w = uniform(r, 0.2, 1);
      // Rate such that the fill (without the cycle) reaches the limit at `cross`.
      const rate = (LIMIT - base) / weekdayFill(start, cross, 1, w);
      return {
        signal: (t) => base + weekdayFill(start, t, rate, w) + cycle(t),
        description: `from ${base.toFixed(0)} %, weekend rate ×${w.toFixed(2)}, daily ±${daily.toFixed(1)}`,
      };
    }
    case 'disk-sawtooth': {
      const base = uniform(r, 20, 40);
      const period = uniform(r, 1, 4) * DAY;
      // Cleanups at start + k·period up to the last one before now; the current fill reaches the limit at `cross`.
      const lastCleanup = start + Math.floor((now - start) / period) * period;
      const rate = (LIMIT - base) / (cross - lastCleanup);
      return {
        signal: (t) => {
          const since = t >= lastCleanup ? t - lastCleanup : (t - start) % period;
          return base + rate * since + cycle(t);
        },
        description: `from ${base.toFixed(0)} %, cleaned up every ${(period / DAY).toFixed(1)} days until the last one ${((now - lastCleanup) / HOUR).toFixed(0)} h ago, daily ±${daily.toFixed(1)}`,
      };
    }
    case 'memory-linear': {
      const base = uniform(r, 30, 60);
      const weekly = uniform(r, 0, 4);
      const rate = (LIMIT - base) / (cross - start);
      const week = (t: number) => weekly * Math.cos((2 * Math.PI * (t - EPOCH)) / WEEK);
      return {
        signal: (t) => base + rate * (t - start) + cycle(t) + week(t),
        description: `leak from ${base.toFixed(0)} %, daily ±${daily.toFixed(1)}, weekly ±${weekly.toFixed(1)}`,
      };
    }
    case 'memory-accelerating': {
      const base = uniform(r, 30, 60);
      const weekly = uniform(r, 0, 4);
      const week = (t: number) => weekly * Math.cos((2 * Math.PI * (t - EPOCH)) / WEEK);
      const span = cross - start;
      if (r() < 0.5) {
        const share = uniform(r, 0.3, 1); // of the growth due to the quadratic term
        const a = (share * (LIMIT - base)) / (span * span);
        const b = ((1 - share) * (LIMIT - base)) / span;
        return {
          signal: (t) => base + b * (t - start) + a * (t - start) ** 2 + cycle(t) + week(t),
          description: `quadratic leak from ${base.toFixed(0)} % (${(100 * share).toFixed(0)} % of it acceleration), daily ±${daily.toFixed(1)}, weekly ±${weekly.toFixed(1)}`,
        };
      }
      const k = uniform(r, 1, 4) / span;
      const c = (LIMIT - base) / Math.expm1(k * span);
      return {
        signal: (t) => base + c * Math.expm1(k * (t - start)) + cycle(t) + week(t),
        description: `exponential leak from ${base.toFixed(0)} % (${(k * span).toFixed(1)} e-foldings to the limit), daily ±${daily.toFixed(1)}, weekly ±${weekly.toFixed(1)}`,
      };
    }
  }
}

/** `perFamily` series of every family, seeds `seed`, `seed + 1`, … (one seed per series). */
export function generateLimitScenarios(perFamily: number, seed = 1): LimitScenario[] {
  const out: LimitScenario[] = [];
  LIMIT_SCENARIO_FAMILIES.forEach((family, f) => {
    for (let i = 0; i < perFamily; i++) out.push(drawScenario(family, seed + f * 100_000 + i));
  });
  return out;
}
