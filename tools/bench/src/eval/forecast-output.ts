/**
 * What `tideline eval --forecast` prints: every forecaster asked for, at every horizon, side by side (sMAPE, MASE,
 * interval coverage), as a table or one JSON object. The 1-day figures of the first forecaster stay at the top level
 * of the JSON (the shape the command had with one horizon), with `seasonal_naive` beside them.
 */
import { evaluateForecasters, FORECAST_HORIZONS, type HorizonResult, type ForecastSeries } from './forecast-eval';
import { FORECASTERS, findForecaster, type ForecasterSpec } from './forecaster-registry';
import { fmt, int, table } from './format';

/** `--forecaster all` (or `--compare`): every registered forecaster. */
export const ALL_FORECASTERS = 'all';

/** The forecasters a `--forecaster` value names: one (with seasonal naive beside it) or all. */
export function forecastersFor(name: string): ForecasterSpec[] {
  if (name === ALL_FORECASTERS) return [...FORECASTERS];
  const spec = findForecaster(name);
  return spec.name === 'seasonal-naive' ? [spec] : [spec, findForecaster('seasonal-naive')];
}

export interface ForecastEvaluation {
  readonly dataset: string;
  readonly requested: string;
  readonly specs: readonly ForecasterSpec[];
  readonly horizons: readonly HorizonResult[];
}

/** Runs the rolling-origin evaluation of the named forecaster(s) at 1 hour, 1 day and 7 days. */
export function evaluateForecastRequest(
  dataset: string,
  series: readonly ForecastSeries[],
  requested: string,
  onSeries?: (series: ForecastSeries, done: number) => void,
): ForecastEvaluation {
  const specs = forecastersFor(requested);
  const horizons = evaluateForecasters(series, specs, {
    horizons: FORECAST_HORIZONS,
    ...(onSeries === undefined ? {} : { onSeries }),
  });
  return { dataset, requested, specs, horizons };
}

export function forecastJson(ev: ForecastEvaluation): Record<string, unknown> {
  const day = ev.horizons.find((h) => h.horizon === '1 day') ?? ev.horizons[0]!;
  const first = ev.specs[0]!.name;
  return {
    forecaster: ev.requested === ALL_FORECASTERS ? ALL_FORECASTERS : first,
    dataset: ev.dataset,
    horizon: day.horizon,
    warm_up_days: 3,
    ...(ev.requested === ALL_FORECASTERS ? {} : day.forecasters[first]),
    seasonal_naive: day.forecasters['seasonal-naive'],
    forecasters: ev.specs.map((s) => ({ name: s.name, description: s.description })),
    horizons: ev.horizons,
  };
}

const pctOrNa = (x: number | null) => (x === null ? 'n/a' : `${fmt(100 * x, 1)}%`);

/** One row per forecaster, sMAPE / MASE / coverage per horizon. */
export function formatForecastTable(ev: ForecastEvaluation): string {
  const header = ['forecaster'];
  for (const h of ev.horizons) header.push(`sMAPE ${h.horizon}`, `MASE ${h.horizon}`, `cover ${h.horizon}`);
  const rows = ev.specs.map((s) => {
    const row = [s.name];
    for (const h of ev.horizons) {
      const m = h.forecasters[s.name]!;
      row.push(fmt(m.smape, 2), fmt(m.mase, 3), pctOrNa(m.coverage));
    }
    return row;
  });
  const first = ev.horizons[0]!.forecasters[ev.specs[0]!.name]!;
  return [
    `Rolling-origin forecast evaluation: ${ev.specs.map((s) => `"${s.name}"`).join(', ')}`,
    `${ev.dataset}: origins every day after 3 days of history; an origin counts for a horizon when the whole horizon is observed after it; ${Math.round(100 * first.nominal_coverage)}% intervals`,
    '',
    table([header, ...rows]),
    '',
    ...ev.horizons.map((h) => {
      const m = h.forecasters[ev.specs[0]!.name]!;
      return `${h.horizon}: ${m.files} files (${m.files_skipped} too short), ${int(m.origins)} origins, ${int(m.points)} points; ${m.mase_origins_excluded} origins with a flat history left out of MASE`;
    }),
    '',
    'sMAPE in %; MASE scaled by the in-sample MAE of the one-day seasonal-naive forecast before each origin; cover = share of actual values inside the interval.',
    ...ev.specs.map((s) => `  ${s.name}: ${s.description}`),
  ].join('\n');
}
