import { AutoEtsForecaster, CombinedForecaster, TidelineDetector, type ExpectedBand } from '@tideline/stats';
import type { ForecastBands, Forecaster } from './forecast-eval';
import { SeasonalNaiveForecaster } from './seasonal-naive-forecaster';

export interface ForecasterSpec {
  readonly name: string;
  readonly description: string;
  readonly create: () => Forecaster;
}

/**
 * Tideline's projection: the detector's baseline learns every point (`scoreAndLearn`), and each target time is
 * forecast with `predictInto` (the expected value and band behind `forecast()` in libs/stats), at the actual future
 * timestamps so that irregular series are compared point by point.
 */
class TidelineForecaster implements Forecaster {
  private readonly detector = new TidelineDetector();
  private readonly band: ExpectedBand = { expected: 0, lower: 0, upper: 0 };

  learn(timestampMs: number, value: number): void {
    this.detector.scoreAndLearn(timestampMs, value);
  }

  forecast(targetsMs: ArrayLike<number>, coverage: number, out: ForecastBands): void {
    for (let k = 0; k < targetsMs.length; k++) {
      this.detector.predictInto(targetsMs[k]!, coverage, this.band);
      out.mean[k] = this.band.expected;
      out.lower[k] = this.band.lower;
      out.upper[k] = this.band.upper;
    }
  }
}

export const FORECASTERS: readonly ForecasterSpec[] = [
  {
    name: 'combined',
    description:
      "the default: median of Tideline's baseline projection, seasonal naive and the 7-day seasonal median; intervals from the series' own recent errors by lead time (conformal; CombinedForecaster)",
    create: () => new CombinedForecaster(),
  },
  {
    name: 'tideline',
    description:
      "Tideline's baseline projection alone (TidelineDetector.predictInto, as used by forecast() and the report)",
    create: () => new TidelineForecaster(),
  },
  {
    name: 'seasonal-naive',
    description:
      'value one day earlier (d days when d days ahead), with empirical quantiles of past one-day-lag errors as the interval',
    create: () => new SeasonalNaiveForecaster(),
  },
  {
    name: 'ets',
    description:
      'automatic exponential smoothing (AutoETS-style: trend none/additive/damped × season none/day/week, least squares by Nelder–Mead, lowest AICc) refitted on the last 28 days at each origin, Gaussian model intervals',
    create: () => new AutoEtsForecaster(),
  },
];

export const DEFAULT_FORECASTER = FORECASTERS[0]!.name;

export function findForecaster(name: string): ForecasterSpec {
  const spec = FORECASTERS.find((f) => f.name === name);
  if (spec === undefined) {
    throw new Error(`unknown forecaster "${name}"; choose one of: ${FORECASTERS.map((f) => f.name).join(', ')}`);
  }
  return spec;
}
