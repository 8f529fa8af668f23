import type { DetectorPrior } from './tideline-detector';

/** Versioned plain-object snapshot of a {@link FleetPrior}. */
export interface FleetPriorSnapshot {
  kind: 'fleet-prior';
  version: 1;
  /** Series that contributed. */
  series: number;
  /** Means of the natural logarithms of their tail references q1, q2, q3. */
  meanLogQ: [number, number, number];
}

/** How many points of experience one contributing series is worth, and the most a prior is worth. */
export const FLEET_PRIOR_POINTS_PER_SERIES = 20;
export const FLEET_PRIOR_MAX_POINTS = 50;

/**
 * What the fleet knows about one metric (the same metric name on other hosts), for a new series of it to start from:
 * the geometric means of the contributing series' tail references (what is usual for the metric's point, drift and
 * slow-drift statistics; scale-free, so hosts at different levels share them), worth
 * `min(50, 20 · series)` points of experience. Each series contributes once, when it has learned its own references
 * ({@link TidelineDetector.priorSample}); a new series applies {@link prior} before its warm-up ends
 * ({@link TidelineDetector.applyPrior}). Its band and levels are still its own: only what counts as unusual and how
 * long the warm-up doubts are shared.
 *
 * Pure state with `update`, `merge`, `snapshot`/`restore` (the mean of logarithms merges exactly, Chan et al. 1979).
 * O(1) per update; 40 bytes.
 *
 * @example
 * ```ts
 * const fleet = new FleetPrior();
 * fleet.update({ points: 5000, q1: 3.1, q2: 0.7, q3: 0.4 }); // a mature series of the metric on host a
 * const detector = new TidelineDetector();
 * detector.applyPrior(fleet.prior()!); // a new host's series of the same metric
 * ```
 */
export class FleetPrior {
  private n = 0;
  private readonly mean: [number, number, number] = [0, 0, 0];

  /** Series that contributed. */
  get series(): number {
    return this.n;
  }

  /** Adds one mature series' references; a sample with a reference that is not a positive number is ignored. */
  update(sample: DetectorPrior): boolean {
    const qs = [sample.q1, sample.q2, sample.q3];
    if (!qs.every((q) => Number.isFinite(q) && q > 0)) return false;
    this.n += 1;
    for (let i = 0; i < 3; i++) this.mean[i] = this.mean[i]! + (Math.log(qs[i]!) - this.mean[i]!) / this.n;
    return true;
  }

  /** Folds another fleet's prior of the same metric into this one (equal to updating with its series). */
  merge(other: FleetPrior): this {
    const n = this.n + other.n;
    if (n === 0) return this;
    for (let i = 0; i < 3; i++) this.mean[i] = (this.mean[i]! * this.n + other.mean[i]! * other.n) / n;
    this.n = n;
    return this;
  }

  /** The prior for a new series, or undefined while no series has contributed. */
  prior(): DetectorPrior | undefined {
    if (this.n === 0) return undefined;
    return {
      points: Math.min(FLEET_PRIOR_MAX_POINTS, FLEET_PRIOR_POINTS_PER_SERIES * this.n),
      q1: Math.exp(this.mean[0]),
      q2: Math.exp(this.mean[1]),
      q3: Math.exp(this.mean[2]),
    };
  }

  snapshot(): FleetPriorSnapshot {
    return { kind: 'fleet-prior', version: 1, series: this.n, meanLogQ: [...this.mean] };
  }

  static restore(snapshot: FleetPriorSnapshot): FleetPrior {
    if (snapshot.kind !== 'fleet-prior' || snapshot.version !== 1) {
      throw new RangeError(`unsupported fleet prior snapshot ${String(snapshot.kind)} v${String(snapshot.version)}`);
    }
    const p = new FleetPrior();
    p.n = snapshot.series;
    p.mean[0] = snapshot.meanLogQ[0];
    p.mean[1] = snapshot.meanLogQ[1];
    p.mean[2] = snapshot.meanLogQ[2];
    return p;
  }
}
