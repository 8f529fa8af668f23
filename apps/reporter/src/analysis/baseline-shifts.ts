import { detectLevelShift, type LevelShiftOptions } from '@tideline/stats';
import type { BaselineShift } from '../report/report.schema';
import type { BucketedSeries } from './analysis.types';

export type BaselineShiftOptions = LevelShiftOptions;

/**
 * The week's most likely level shift of a baseline's expected value (libs/stats `detectLevelShift`: least-squares
 * change point, a step and not a steady trend), named by its series.
 */
export function detectBaselineShift(input: BucketedSeries, options: BaselineShiftOptions): BaselineShift | undefined {
  const shift = detectLevelShift(input, options);
  return shift && { series: input.series, host: input.host, metric: input.metric, ...shift };
}
