import {
  createTidelineDetector,
  HoltWintersDetector,
  LagZScoreDetector,
  WindowedGaussianDetector,
  type PointScorer,
} from '@tideline/stats';

/** A detector the evaluation can run: one fresh instance per series, one configuration for the whole corpus. */
export interface DetectorSpec {
  readonly name: string;
  readonly description: string;
  readonly create: () => PointScorer;
}

/** Constant 0.5 on every row: NAB's "null" detector, whose optimum is never to detect (normalised score 0). */
class ConstantScorer implements PointScorer {
  scoreAndLearn(): number {
    return 0.5;
  }
}

/** Uniform random scores from a fixed-seed mulberry32 generator, reseeded per series (a floor any detector must beat). */
class SeededRandomScorer implements PointScorer {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  scoreAndLearn(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export const DETECTORS: readonly DetectorSpec[] = [
  {
    name: 'tideline',
    description: "Tideline's detector (createTidelineDetector())",
    create: () => createTidelineDetector(),
  },
  {
    name: 'windowed-gaussian',
    description: "NAB's windowedGaussian reference (window 6400, step 100)",
    create: () => new WindowedGaussianDetector(),
  },
  {
    name: 'holt-winters',
    description:
      'predictive additive Holt-Winters (α 0.3, β 0.1, γ 0.1, season one day of points up to 288), 3.5 residual σ, untuned',
    create: () => new HoltWintersDetector(),
  },
  {
    name: 'zms',
    description:
      'Merlion ZMS-style max |z| of the value and its lag-1, 2, 4 differences, trained on the first 750 points',
    create: () => new LagZScoreDetector(),
  },
  { name: 'null', description: 'constant 0.5 (NAB null detector: defines 0)', create: () => new ConstantScorer() },
  {
    name: 'random',
    description: 'uniform random, seed 42 per series (mulberry32, not NAB’s Mersenne Twister sequence)',
    create: () => new SeededRandomScorer(42),
  },
];

export const DEFAULT_DETECTOR = 'tideline';

export function findDetector(name: string): DetectorSpec {
  const spec = DETECTORS.find((d) => d.name === name);
  if (spec === undefined) {
    throw new Error(`unknown detector "${name}"; choose one of: ${DETECTORS.map((d) => d.name).join(', ')}`);
  }
  return spec;
}
