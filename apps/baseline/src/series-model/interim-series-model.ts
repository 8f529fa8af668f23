import { normalTail } from '@tideline/stats';
import { ModelRestoreError, type PointAssessment, type SeriesModel, type SeriesModelFactory } from './series-model';

const VERSION = 1;
// Layout of the state array (and of the snapshot, which is the array's bytes).
const V = 0;
const N = 1;
const MEAN = 2;
const VAR = 3;
const LAST_TS = 4;
const SIZE = 5;

export interface InterimSeriesModelOptions {
  /** Smoothing per point of the exponentially weighted mean and variance. */
  readonly alpha: number;
  /** Points learned before the band is trusted. */
  readonly warmUpPoints: number;
  /** Half-width of the band in standard deviations. */
  readonly bandSigmas: number;
}

export const INTERIM_SERIES_MODEL_DEFAULTS: InterimSeriesModelOptions = Object.freeze({
  alpha: 0.02,
  warmUpPoints: 30,
  bandSigmas: 3,
});

/**
 * Exponentially weighted z-score model with a band: the same scoring as libs/stats' first `TidelineDetector`
 * (score = 1 − 2·Q(|z|)), kept here with its state in one `Float64Array` so that it can be snapshotted exactly while
 * the richer model API of libs/stats is written. Only this file changes when the service switches to it.
 */
class InterimSeriesModel implements SeriesModel {
  readonly detector = 'ew-zscore';

  constructor(
    private readonly options: InterimSeriesModelOptions,
    private readonly s: Float64Array,
  ) {}

  get observations(): number {
    return this.s[N]!;
  }

  get lastTs(): number {
    return this.s[LAST_TS]!;
  }

  assess(ts: number, value: number, out: PointAssessment): void {
    const s = this.s;
    const n = s[N]!;
    const mean = s[MEAN]!;
    const sd = Math.sqrt(s[VAR]!) + 1e-9 * (Math.abs(mean) + 1);
    const ready = n >= this.options.warmUpPoints;
    out.ready = ready;
    out.expected = n === 0 ? value : mean;
    out.lower = out.expected - this.options.bandSigmas * sd;
    out.upper = out.expected + this.options.bandSigmas * sd;
    if (ready) {
      const score = 1 - 2 * normalTail(Math.abs(value - mean) / sd);
      out.score = score < 0 ? 0 : score > 1 ? 1 : score;
    } else {
      out.score = 0;
    }
    out.learned = ts > s[LAST_TS]!;
    if (!out.learned) return;
    s[LAST_TS] = ts;
    if (n === 0) {
      s[MEAN] = value;
    } else {
      const a = Math.max(this.options.alpha, 1 / (n + 1));
      const d = value - mean;
      const incr = a * d;
      s[MEAN] = mean + incr;
      s[VAR] = (1 - a) * (s[VAR]! + d * incr);
    }
    s[N] = n + 1;
  }

  snapshot(): Uint8Array {
    return new Uint8Array(this.s.slice().buffer);
  }
}

export function createInterimSeriesModelFactory(
  options: InterimSeriesModelOptions = INTERIM_SERIES_MODEL_DEFAULTS,
): SeriesModelFactory {
  return {
    kind: 'interim-ew-zscore',
    create(): SeriesModel {
      const s = new Float64Array(SIZE);
      s[V] = VERSION;
      s[LAST_TS] = -Infinity;
      return new InterimSeriesModel(options, s);
    },
    restore(bytes: Uint8Array): SeriesModel {
      if (bytes.byteLength !== SIZE * 8)
        throw new ModelRestoreError(`snapshot has ${bytes.byteLength} bytes, expected ${SIZE * 8}`);
      const s = new Float64Array(SIZE);
      new Uint8Array(s.buffer).set(bytes);
      if (s[V] !== VERSION) throw new ModelRestoreError(`unsupported snapshot version ${s[V]}`);
      return new InterimSeriesModel(options, s);
    },
  };
}
