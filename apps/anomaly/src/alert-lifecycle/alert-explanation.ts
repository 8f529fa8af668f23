import { formatAlertNumber as num, type AlertState, type BaselinePoint } from '@tideline/contracts';
import type { AlertPolicy } from '@tideline/stats';

/** What each detector means, for people. */
const DETECTOR_TERMS: Readonly<Record<string, string>> = {
  spike: 'spike',
  dip: 'dip',
  level_shift: 'level shift',
  drift: 'drift',
  new_high: 'new high',
  new_low: 'new low',
  seasonal_deviation: 'seasonal deviation',
};

const WHY_INSIDE: Readonly<Record<string, string>> = {
  level_shift: 'the series has left its usual level and stays away from it',
  drift: 'the series is drifting away from its usual level',
  new_high: 'no value this high has been seen lately',
  new_low: 'no value this low has been seen lately',
  seasonal_deviation: 'the value is unusual for this time of day or week',
};

/**
 * Why an alert transition happened, in the detector's own terms and with the numbers it used, e.g.
 * "spike: 94.4 above the band 72.3–86.0 (expected 79.1), 1.9 times as unusual as this series usually gets". A value
 * inside its band says what it broke instead (a level shift, a new high, a static limit). Pure.
 */
export function explainAlert(
  state: AlertState,
  detector: string,
  point: BaselinePoint,
  limits: Pick<AlertPolicy, 'upperLimit' | 'lowerLimit'>,
): string {
  const band = `${num(point.lower)}–${num(point.upper)}`;
  if (state === 'resolved') return `back to normal: ${num(point.value)} inside the band ${band}`;
  const { upperLimit, lowerLimit } = limits;
  if (upperLimit !== undefined && point.value > upperLimit)
    return `above the limit ${num(upperLimit)}: ${num(point.value)} (band ${band})`;
  if (lowerLimit !== undefined && point.value < lowerLimit)
    return `below the limit ${num(lowerLimit)}: ${num(point.value)} (band ${band})`;
  const term = DETECTOR_TERMS[detector] ?? 'unusual value';
  const how = `${num(Math.round(point.evidence.deviation * 10) / 10)} times as unusual as this series usually gets`;
  const where =
    point.value > point.upper
      ? `${num(point.value)} above the band ${band} (expected ${num(point.expected)})`
      : point.value < point.lower
        ? `${num(point.value)} below the band ${band} (expected ${num(point.expected)})`
        : `${num(point.value)} inside the band ${band}, but ${WHY_INSIDE[detector] ?? 'the recent values are unusual together'}`;
  const tail = point.evidence.tailProbability;
  return tail !== undefined && tail < 1
    ? `${term}: ${where}; ${how}; ${oneIn(tail)} under the model`
    : `${term}: ${where}; ${how}`;
}

/**
 * A tail probability as people say it: "1 in 120,000" (two significant digits, grouped thousands), "less than 1 in
 * 1,000,000,000" below that.
 */
export function oneIn(probability: number): string {
  if (!(probability > 1e-9)) return 'less than 1 in 1,000,000,000';
  const n = Number((1 / probability).toPrecision(2));
  return `1 in ${Math.max(1, n).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
}
