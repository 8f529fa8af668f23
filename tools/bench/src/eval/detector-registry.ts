import {
  HoltWintersDetector,
  LagZScoreDetector,
  TidelineDetector,
  WindowedGaussianDetector,
  type HoltWintersDetectorOptions,
  type LagZScoreDetectorOptions,
  type PointScorer,
  type TidelineDetectorOptions,
  type WindowedGaussianOptions,
} from '@tideline/stats';

/** One entry of a detector's settings grid: the options it sets, as a label, and a factory. */
export interface GridSetting {
  readonly label: string;
  readonly create: () => PointScorer;
}

/** A detector the evaluation can run: one fresh instance per series, one configuration for the whole corpus. */
export interface DetectorSpec {
  readonly name: string;
  readonly description: string;
  readonly create: () => PointScorer;
  /**
   * The settings `tideline eval --cv` chooses from on the training folds, together with the NAB threshold; the
   * first entry is always the default configuration (`create`), which also wins ties.
   */
  readonly grid: readonly GridSetting[];
  /** Whether `tideline eval --compare` lists it (the default and the reference detectors, not the floors). */
  readonly compared: boolean;
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

/**
 * Every combination of the given option values, the first value of each option first (so the first combination is
 * the one made of the first values: list the default first). Labels read `name=value`, the default as `default`.
 */
function grid<O extends object>(
  axes: { readonly [K in keyof O]?: readonly O[K][] },
  create: (options: O) => PointScorer,
  format: (key: string, value: unknown) => string = (k, v) => `${k}=${String(v)}`,
): GridSetting[] {
  let combos: { options: Partial<O>; parts: string[] }[] = [{ options: {}, parts: [] }];
  for (const key of Object.keys(axes) as (keyof O & string)[]) {
    const values = axes[key]!;
    combos = combos.flatMap((c) =>
      values.map((v, i) => ({
        options: { ...c.options, [key]: v },
        parts: i === 0 ? c.parts : [...c.parts, format(key, v)],
      })),
    );
  }
  return combos.map((c) => ({
    label: c.parts.length === 0 ? 'default' : c.parts.join(' '),
    create: () => create(c.options as O),
  }));
}

const NEVER_FROZEN = Number.MAX_SAFE_INTEGER;

export const DETECTORS: readonly DetectorSpec[] = [
  {
    name: 'tideline',
    description: "Tideline's detector (TidelineDetector, default options)",
    create: () => new TidelineDetector(),
    // The fire level itself is what NAB's threshold sweep picks (alerts score r/(r + 1) for a normalised surprise
    // r, so a threshold θ ≥ 0.5 fires at r ≥ θ/(1 − θ)); the grid adds the two options that decide what is unusual
    // for a series and how alerts group: the tail probability of the per-series normaliser and the quiet period.
    grid: grid<TidelineDetectorOptions>(
      { tailProbability: [0.003, 0.001, 0.01], suppressPoints: [35, 20, 60] },
      (o) => new TidelineDetector(o),
    ),
    compared: true,
  },
  {
    name: 'windowed-gaussian',
    description: "NAB's windowedGaussian reference (window 6400, step 100)",
    create: () => new WindowedGaussianDetector(),
    grid: grid<WindowedGaussianOptions>({ windowSize: [6400, 400, 1600] }, (o) => new WindowedGaussianDetector(o)),
    compared: true,
  },
  {
    name: 'holt-winters',
    description:
      'predictive additive Holt-Winters (α 0.3, β 0.1, γ 0.1, season one day of points up to 288), 3.5 residual σ, untuned',
    create: () => new HoltWintersDetector(),
    grid: grid<HoltWintersDetectorOptions>(
      { alpha: [0.3, 0.1, 0.5], seasonLength: ['daily', 0] },
      (o) => new HoltWintersDetector(o),
    ),
    compared: true,
  },
  {
    name: 'zms',
    description:
      'Merlion ZMS-style max |z| of the value and its lag-1, 2, 4 differences, trained on the first 750 points',
    create: () => new LagZScoreDetector(),
    grid: grid<LagZScoreDetectorOptions>(
      { trainPoints: [750, NEVER_FROZEN], lags: [3, 1, 5] },
      (o) => new LagZScoreDetector(o),
      (k, v) => (v === NEVER_FROZEN ? `${k}=all` : `${k}=${String(v)}`),
    ),
    compared: true,
  },
  {
    name: 'null',
    description: 'constant 0.5 (NAB null detector: defines 0)',
    create: () => new ConstantScorer(),
    grid: [{ label: 'default', create: () => new ConstantScorer() }],
    compared: false,
  },
  {
    name: 'random',
    description: 'uniform random, seed 42 per series (mulberry32, not NAB’s Mersenne Twister sequence)',
    create: () => new SeededRandomScorer(42),
    grid: [{ label: 'default', create: () => new SeededRandomScorer(42) }],
    compared: false,
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
