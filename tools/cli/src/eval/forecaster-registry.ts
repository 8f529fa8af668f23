import type { Forecaster } from './forecast-eval';
import { SeasonalNaiveForecaster } from './seasonal-naive-forecaster';

export interface ForecasterSpec {
  readonly name: string;
  readonly description: string;
  readonly create: () => Forecaster;
}

export const FORECASTERS: readonly ForecasterSpec[] = [
  {
    name: 'seasonal-naive',
    description: 'value one day earlier, with empirical quantiles of past one-day-lag errors as the interval',
    create: () => new SeasonalNaiveForecaster(),
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
