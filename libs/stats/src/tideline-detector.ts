import type { PointScorer } from './point-scorer';
import { RobustLevel } from './robust-level';
import { SeasonalProfile } from './seasonal-profile';
import { Cusum } from './cusum';

/** Options of {@link TidelineDetector}. */
export interface TidelineDetectorOptions {
  localAlpha?: number;
  slowAlpha?: number;
  scaleAlpha?: number;
  clip?: number;
  seasonAlpha?: number;
  maeAlpha?: number;
  seasonMargin?: number;
  cusumK?: number;
  cusumH?: number;
  cusumW?: number;
  qEta?: number;
  qTail?: number;
  squash?: number;
  fire?: number;
  suppressPoints?: number;
  suppressFactor?: number;
  warmUpPoints?: number;
  dailyBins?: number;
  mode?: number;
  qInit?: number;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;
const WEEKLY_BINS = 168;
const SQRT_HALF_PI = 1.2533141373155003;

// Header layout.
const N = 0;
const LAST_T = 1;
const FIRST_T = 2;
const SUPPRESS = 3;
const MAE0 = 4; // one-step MAE of the three predictors: none / daily / weekly
const MAE1 = 5;
const MAE2 = 6;
const QU = 7;
const HEADER = 8;
const L0 = HEADER;
const L1 = L0 + RobustLevel.SIZE;
const L2 = L1 + RobustLevel.SIZE;
const SLOW = L2 + RobustLevel.SIZE;
const CUSUM = SLOW + RobustLevel.SIZE;
const DAILY = CUSUM + Cusum.SIZE;

/**
 * Streaming per-series anomaly detector.
 *
 * Complexity: O(1) time per point; state is one `Float64Array`.
 *
 * @example
 * ```ts
 * const d = new TidelineDetector();
 * for (let i = 0; i < 100; i++) d.scoreAndLearn(i * 60_000, 10 + (i % 3));
 * d.scoreAndLearn(100 * 60_000, 1000); // close to 1
 * ```
 */
export class TidelineDetector implements PointScorer {
  readonly state: Float64Array;
  readonly dbg = new Float64Array(10);
  private readonly l0: RobustLevel;
  private readonly l1: RobustLevel;
  private readonly l2: RobustLevel;
  private readonly slow: RobustLevel;
  private readonly cusum: Cusum;
  private readonly daily: SeasonalProfile;
  private readonly weekly: SeasonalProfile;
  private readonly o: Required<TidelineDetectorOptions>;

  constructor(options: TidelineDetectorOptions = {}) {
    this.o = {
      localAlpha: 0.1,
      slowAlpha: 0.005,
      scaleAlpha: 0.02,
      clip: 3,
      seasonAlpha: 0.1,
      maeAlpha: 0.01,
      seasonMargin: 0.9,
      cusumK: 0.5,
      cusumH: 10,
      cusumW: 1,
      qEta: 0.05,
      qTail: 0.005,
      squash: 1,
      fire: 0.6,
      suppressPoints: 100,
      suppressFactor: 0.3,
      warmUpPoints: 30,
      dailyBins: 96,
      mode: 0,
      qInit: 4,
      ...options,
    };
    const o = this.o;
    const weeklyAt = DAILY + 2 * o.dailyBins;
    const s = (this.state = new Float64Array(weeklyAt + 2 * WEEKLY_BINS));
    this.l0 = new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, s, L0);
    this.l1 = new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, s, L1);
    this.l2 = new RobustLevel(o.localAlpha, o.scaleAlpha, o.clip, s, L2);
    this.slow = new RobustLevel(o.slowAlpha, o.scaleAlpha, o.clip, s, SLOW);
    this.cusum = new Cusum(o.cusumK, s, CUSUM);
    this.daily = new SeasonalProfile(DAY, o.dailyBins, o.seasonAlpha, s, DAILY);
    this.weekly = new SeasonalProfile(WEEK, WEEKLY_BINS, o.seasonAlpha, s, weeklyAt);
  }

  scoreAndLearn(t: number, x: number): number {
    const s = this.state;
    const o = this.o;
    const n = s[N]!;
    s[N] = n + 1;
    if (n === 0) {
      s[FIRST_T] = t;
      s[LAST_T] = t;
      this.l0.update(x);
      this.l1.update(x);
      this.l2.update(x);
      this.slow.update(x);
      return 0;
    }
    s[LAST_T] = t;
    const span = t - s[FIRST_T]!;
    const dv = this.daily.value(t);
    const wv = this.weekly.value(t);
    const p0 = this.l0.level;
    const p1 = this.l1.level + dv;
    const p2 = this.l2.level + wv;
    // Seasonality is used only when its one-step errors clearly beat the non-seasonal predictor's.
    let k = 0;
    let pred = p0;
    let mae = s[MAE0]!;
    let sigma = this.l0.sigma;
    if (span > 2 * DAY && s[MAE1]! < o.seasonMargin * mae) {
      k = 1;
      pred = p1;
      mae = s[MAE1]!;
      sigma = this.l1.sigma;
    }
    if (span > 2 * WEEK && s[MAE2]! < o.seasonMargin * mae) {
      k = 2;
      pred = p2;
      mae = s[MAE2]!;
      sigma = this.l2.sigma;
    }
    const floor = 1e-9 + 1e-4 * Math.abs(this.slow.level);
    const z = (x - pred) / (sigma + floor);
    const zc = z > 4 ? 4 : z < -4 ? -4 : z;
    const cs = this.cusum.update(zc);
    const az = z < 0 ? -z : z;
    let u = az;
    const uc = (cs / o.cusumH) * 4 * o.cusumW;
    if (uc > u) u = uc;

    const q = s[QU]!;
    const r = q > 0 ? u / q : 0;
    let score = r / (r + o.squash);
    if (n >= o.warmUpPoints) s[QU] = q * Math.exp(o.qEta * ((u > q ? 1 : 0) - o.qTail));
    else s[QU] = o.qInit;
    this.dbg[0] = z;
    this.dbg[1] = cs;
    this.dbg[2] = k;
    this.dbg[3] = pred;
    this.dbg[4] = sigma;
    this.dbg[5] = u;
    this.dbg[6] = q;

    if (n < o.warmUpPoints) score = 0;
    if (s[SUPPRESS]! > 0) {
      s[SUPPRESS] = s[SUPPRESS]! - 1;
      score *= o.suppressFactor;
    } else if (score >= o.fire) {
      s[SUPPRESS] = o.suppressPoints;
    }

    // Learn.
    const ma = o.maeAlpha > 1 / n ? o.maeAlpha : 1 / n;
    s[MAE0] = s[MAE0]! + ma * (Math.abs(x - p0) - s[MAE0]!);
    s[MAE1] = s[MAE1]! + ma * (Math.abs(x - p1) - s[MAE1]!);
    s[MAE2] = s[MAE2]! + ma * (Math.abs(x - p2) - s[MAE2]!);
    this.l0.update(x);
    this.l1.update(x - dv);
    this.l2.update(x - wv);
    const base = this.slow.level;
    this.slow.update(x);
    this.daily.update(t, x - base);
    this.weekly.update(t, x - base);
    if (cs > 2 * o.cusumH) this.cusum.reset();
    return score;
  }
}
